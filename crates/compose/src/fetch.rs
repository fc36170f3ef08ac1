//! `fetch()` for composition code, answered by the caller.
//!
//! The engine has no network of its own: what a fetch may reach (the project's `public/`
//! folder, the internet, this machine's files or private addresses) is the caller's policy, so
//! the caller gives a bundle a [`Fetcher`] ([`crate::Bundle::with_fetcher`]) and every engine
//! made from it answers `fetch()` through it. The call is synchronous: the request is made when
//! `fetch()` is called, and the promise it returns is settled by the time it returns, which is
//! what lets a frame or `calculateMetadata` await it without waiting on real time. Without a
//! fetcher, `fetch()` rejects, saying so.

/// A request made by `fetch()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// The URL as the code gave it: absolute, or relative to the project (`/static/…`, what
    /// `staticFile()` returns).
    pub url: String,
    /// Upper case for the standard methods, as given otherwise.
    pub method: String,
    /// Names lower case, in the order given.
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// How long the answer may take: what is left of the engine's time for fetching in this
    /// call ([`crate::Limits::fetch_time`]).
    pub timeout: std::time::Duration,
}

/// What answered a [`FetchRequest`]: any status, as `fetch()` resolves to a response whatever
/// its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchResponse {
    /// The URL the body came from, after redirects.
    pub url: String,
    /// Whether a redirect led there.
    pub redirected: bool,
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Answers the requests an engine's `fetch()` makes. `Err` is a network error (the host could
/// not be reached, the request was refused by policy, the body was too large): `fetch()`
/// rejects with a `TypeError` carrying the message.
pub trait Fetcher: Send + Sync {
    fn fetch(&self, request: FetchRequest) -> Result<FetchResponse, String>;
}

/// The reason phrase of a status code (for responses that carry none, such as local files).
pub fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}
