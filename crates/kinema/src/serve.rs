//! `kinema serve`: the HTTP API and studio page, with this binary as the farm's worker.

use std::path::PathBuf;

use anyhow::{Context, Result};
use kinema_farm::WorkerCommand;
use kinema_server::ServerConfig;

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1; other addresses need a token).
    #[arg(long)]
    pub host: Option<String>,
    /// Port to listen on (default 3000; 0 picks a free one).
    #[arg(long)]
    pub port: Option<u16>,
    /// Settings file (default: ./kinema.toml when it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print the address and settings as one JSON line once listening.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ServeArgs) -> Result<()> {
    let path = args.config.clone().or_else(|| {
        let default = PathBuf::from("kinema.toml");
        default.is_file().then_some(default)
    });
    let mut config = ServerConfig::load(path.as_deref())?;
    if let Some(host) = args.host {
        config.host = host;
    }
    if let Some(port) = args.port {
        config.port = port;
    }
    let program = std::env::current_exe().context("cannot find the kinema binary")?;
    let worker = WorkerCommand {
        program,
        args: vec!["__farm-worker".into()],
    };
    kinema_server::run_blocking(config, worker, |address, state| {
        let url = format!("http://{address}");
        let farm = state.farm.as_ref();
        let mut banner = String::new();
        if args.json {
            banner = format!(
                "{}\n",
                serde_json::json!({
                    "url": url,
                    "backend": state.config.backend,
                    "functionName": farm.map(|f| &f.function_name),
                    "bucketName": farm.map(|f| &f.bucket),
                    "siteName": state.config.site_name,
                    "storage": farm.map(|f| f.embedded.storage.root()),
                })
            );
        } else {
            banner += &format!("Kinema is listening on {url}\n");
            banner += &format!("  studio:   {url}/\n");
            banner += &format!("  API:      {url}/api/openapi.json\n");
            if let Some(farm) = farm {
                banner += &format!("  function: {}\n", farm.function_name);
                banner += &format!(
                    "  bucket:   {} ({})\n",
                    farm.bucket,
                    farm.embedded.storage.root().display()
                );
            }
            if let Some(path) = &path {
                banner += &format!("  settings: {}\n", path.display());
            }
        }
        // The server keeps serving when nobody reads its stdout (a supervisor that closed it):
        // the banner is only news.
        use std::io::Write;
        let mut stdout = std::io::stdout();
        let _ = stdout
            .write_all(banner.as_bytes())
            .and_then(|()| stdout.flush());
    })?;
    Ok(())
}
