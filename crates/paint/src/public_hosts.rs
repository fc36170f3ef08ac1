//! Remote fetches that reach the public internet only.
//!
//! The render farm renders code that anyone who can call its API sent. An `<Img>` pointing at
//! `http://169.254.169.254/…` (a cloud machine's credentials), `http://127.0.0.1:…` or a host
//! on the office network would have the farm fetch from where its caller cannot, and paint the
//! answer into a frame the caller downloads. So where private addresses are refused, the names
//! a fetch resolves to are checked before connecting, and the connection goes to the checked
//! address only: a name that resolves to a public address when checked and to a private one
//! a moment later (DNS rebinding) is never looked up twice. Redirects are resolved the same way.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ureq::config::ConfigBuilder;
use ureq::typestate::AgentScope;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// A resolver that keeps only public addresses, and fails where a name has no other.
#[derive(Debug, Default)]
pub struct PublicOnly {
    inner: DefaultResolver,
}

impl Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = self.inner.resolve(uri, config, timeout)?;
        let mut public = self.empty();
        for address in resolved.iter().filter(|a| is_public(a.ip())) {
            public.push(*address);
        }
        if public.is_empty() {
            let host = uri.host().unwrap_or_default();
            let address = resolved
                .first()
                .map(|a| a.ip().to_string())
                .unwrap_or_default();
            let what = if host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok() {
                format!("{host} is a private address")
            } else {
                format!("{host} resolves to a private address ({address})")
            };
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "{what}: the render farm reaches public addresses only (its \
                     --fetch-private-addresses or fetch_private_addresses setting allows others)"
                ),
            )));
        }
        Ok(public)
    }
}

/// An agent for requests to a URL the farm's caller chose (a fetch, a webhook). Unless
/// `allow_private`, it connects straight to public addresses only: no proxy, which would
/// connect wherever the URL says.
pub fn agent(config: ConfigBuilder<AgentScope>, allow_private: bool) -> ureq::Agent {
    if allow_private {
        config.build().new_agent()
    } else {
        ureq::Agent::with_parts(
            config.proxy(None).build(),
            ureq::unversioned::transport::DefaultConnector::new(),
            PublicOnly::default(),
        )
    }
}

/// Whether `ip` is an address on the public internet: not loopback, private, link-local,
/// shared (carrier NAT), multicast, reserved, or kept for documentation and benchmarks.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // 100.64.0.0/10: shared address space (carrier-grade NAT).
        || (a == 100 && (b & 0xc0) == 64)
        // 192.0.0.0/24: IETF protocol assignments.
        || (a == 192 && b == 0 && c == 0)
        // 198.18.0.0/15: benchmarking.
        || (a == 198 && (b & 0xfe) == 18)
        // 240.0.0.0/4: reserved.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let v4 = |high: u16, low: u16| {
        Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8)
    };
    // An IPv4 address written as IPv6 reaches that IPv4 address: ::ffff:a.b.c.d (mapped),
    // ::ffff:0:a.b.c.d (translated), ::a.b.c.d (compatible, deprecated), 64:ff9b::a.b.c.d
    // (NAT64) and 2002:aabb:ccdd:: (6to4).
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let embedded = v4(segments[6], segments[7]);
    if segments[..6] == [0, 0, 0, 0, 0xffff, 0]
        || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
        || (segments[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified())
    {
        return is_public_v4(embedded);
    }
    if segments[0] == 0x2002 {
        return is_public_v4(v4(segments[1], segments[2]));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // fc00::/7: unique local.
        || (segments[0] & 0xfe00) == 0xfc00
        // fe80::/10: link-local; fec0::/10: site-local (deprecated).
        || (segments[0] & 0xffc0) == 0xfe80
        || (segments[0] & 0xffc0) == 0xfec0
        // 2001:db8::/32: documentation; 2001::/32: Teredo, whose far end is hidden.
        || (segments[0] == 0x2001 && (segments[1] == 0x0db8 || segments[1] == 0))
        // 64:ff9b:1::/48: NAT64 for a local network.
        || (segments[0] == 0x64 && segments[1] == 0xff9b && segments[2] == 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        let public = [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.215.14",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ];
        let private = [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.19.255.255",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "::ffff:0:127.0.0.1",
            "::ffff:0:10.1.2.3",
            "64:ff9b:1::a00:1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        ];
        for address in public {
            assert!(is_public(address.parse().unwrap()), "{address}");
        }
        for address in private {
            assert!(!is_public(address.parse().unwrap()), "{address}");
        }
    }
}
