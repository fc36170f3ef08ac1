//! The function's routines, one module each.

pub mod compositions;
pub mod launch;
pub mod renderer;
pub mod start;
pub mod status;
pub mod still;
mod validate;

/// Where a render's transport objects live (reference §2.5).
pub fn transport_prefix(render_id: &str) -> String {
    format!("renders/{render_id}/transport/")
}

/// One chunk attempt's folder in the transport.
pub fn attempt_prefix(render_id: &str, chunk: usize, attempt: u32) -> String {
    format!(
        "{}chunks/{chunk}/attempt-{attempt}/",
        transport_prefix(render_id)
    )
}

pub fn cancel_key(render_id: &str) -> String {
    format!("renders/{render_id}/cancel.json")
}

/// Local scratch space of this worker process, wiped at each invocation like Lambda's /tmp.
pub fn scratch_dir() -> std::path::PathBuf {
    crate::worker::scratch_dir_of(std::process::id())
}

/// Shared cache of downloaded sites (content-addressed, so workers can share it).
pub fn site_cache() -> std::path::PathBuf {
    std::env::temp_dir().join("kinema-site-cache")
}

/// The site a serve URL (or site name) points at, downloaded into the shared cache.
pub fn load_site(
    storage: &dyn crate::bucket::Storage,
    serve_url: &str,
    default_bucket: &str,
) -> Result<crate::sites::LoadedSite, crate::FarmError> {
    let (bucket, name) = crate::sites::resolve_serve_url(serve_url, default_bucket)?;
    crate::sites::load(storage, &bucket, &name, &site_cache())
}
