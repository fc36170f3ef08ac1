//! Webhooks (reference §11): a signed JSON POST when a render succeeds, fails or times out.

use hmac::{Hmac, Mac};
use serde_json::Value;

use crate::payload::WebhookOption;

/// `sha512={hex HMAC-SHA512(secret, body)}`, or `NO_SECRET_PROVIDED`.
pub fn signature(secret: Option<&str>, body: &[u8]) -> String {
    match secret {
        None => "NO_SECRET_PROVIDED".into(),
        Some(secret) => {
            let mut mac =
                Hmac::<sha2::Sha512>::new_from_slice(secret.as_bytes()).expect("any key length");
            mac.update(body);
            format!("sha512={}", crate::util::hex(&mac.finalize().into_bytes()))
        }
    }
}

/// Whether `header` is the signature of `body` under `secret` (for receivers and tests).
pub fn verify(secret: &str, body: &[u8], header: &str) -> bool {
    let expected = signature(Some(secret), body);
    // Compare in constant time.
    expected.len() == header.len()
        && expected
            .bytes()
            .zip(header.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// POSTs `body` with a 10 s timeout, retrying twice (after 1 s and 2 s). The URL comes from
/// whoever called the farm's API, so unless `allow_private` (the farm's
/// `fetch_private_addresses`) it must reach a public address, as fetches must: a webhook's
/// answer (its status, or "cannot connect") lands in the progress the caller reads, which
/// would otherwise map the farm's own network.
pub fn send(webhook: &WebhookOption, body: &Value, allow_private: bool) -> Result<(), String> {
    let bytes = serde_json::to_vec(body).expect("webhook body serialises");
    let status = body.get("type").and_then(Value::as_str).unwrap_or("");
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .http_status_as_error(false);
    let agent = kinema_paint::public_hosts::agent(config, allow_private);
    let mut last = String::new();
    for pause in [0, 1, 2] {
        std::thread::sleep(std::time::Duration::from_secs(pause));
        let result = agent
            .post(&webhook.url)
            .header("Content-Type", "application/json")
            .header("X-Remotion-Mode", "production")
            .header(
                "X-Remotion-Signature",
                signature(webhook.secret.as_deref(), &bytes),
            )
            .header("X-Remotion-Status", status)
            .send(&bytes[..]);
        match result {
            Ok(response) if response.status().is_success() => return Ok(()),
            Ok(response) => {
                last = format!(
                    "the webhook {} answered HTTP {}",
                    webhook.url,
                    response.status()
                )
            }
            // A refused address stays refused: no retries.
            Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(format!("the webhook {} was not called: {e}", webhook.url));
            }
            Err(e) => last = format!("the webhook {} could not be called: {e}", webhook.url),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused_before_connecting() {
        let hook = WebhookOption {
            url: "http://127.0.0.1:9/hook".into(),
            secret: None,
            custom_data: None,
        };
        let err = send(&hook, &serde_json::json!({"type": "success"}), false).unwrap_err();
        assert!(err.contains("127.0.0.1 is a private address"), "{err}");
    }

    #[test]
    fn signatures_are_hmac_sha512() {
        // HMAC-SHA512("key", "The quick brown fox jumps over the lazy dog").
        let s = signature(Some("key"), b"The quick brown fox jumps over the lazy dog");
        assert_eq!(
            s,
            "sha512=b42af09057bac1e2d41708e48a902e09b5ff7f12ab428a4fe86653c73dd248fb82f948a549f7b791a5b41915ee4d1ec3935357e4e2317250d0372afa2ebeeb3a"
        );
        assert!(verify(
            "key",
            b"The quick brown fox jumps over the lazy dog",
            &s
        ));
        assert!(!verify(
            "other",
            b"The quick brown fox jumps over the lazy dog",
            &s
        ));
        assert_eq!(signature(None, b"x"), "NO_SECRET_PROVIDED");
    }
}
