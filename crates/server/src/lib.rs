//! Kinema's HTTP server: the render API of Remotion's prompt-to-motion-graphics template
//! (`POST /api/lambda/render`, progress, stills), AWS Lambda's Invoke API for the embedded
//! function, downloads of the buckets' objects, and the studio page, in front of the render
//! farm. Farm calls block, so handlers run them on Tokio's blocking threads.

pub mod auth;
pub mod config;
pub mod error;
pub mod links;
pub mod request;
mod routes;
pub mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::from_fn_with_state;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use kinema_farm::WorkerCommand;
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use config::{Backend, ConfigError, ServerConfig};
pub use error::ApiError;
pub use state::{AppState, SharedState};

use routes::{api, files, invoke, logs};

/// The OpenAPI 3.1 description of every route.
pub const OPENAPI: &str = include_str!("openapi.json");

const STUDIO_HTML: &str = include_str!("studio/index.html");
const STUDIO_JS: &str = include_str!("studio/app.js");
const STUDIO_CSS: &str = include_str!("studio/app.css");

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot start the render farm: {0}")]
    Farm(#[from] kinema_farm::FarmError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        #[source]
        source: std::io::Error,
    },
}

/// A bound server, ready to run.
pub struct Server {
    state: SharedState,
    listener: tokio::net::TcpListener,
}

impl Server {
    /// Starts the farm and binds the address (port 0 picks a free one).
    pub async fn bind(config: ServerConfig, worker: WorkerCommand) -> Result<Server, ServerError> {
        config.validate()?;
        config.check_exposure()?;
        let address = format!("{}:{}", config.host, config.port);
        let listener = tokio::net::TcpListener::bind(&address)
            .await
            .map_err(|source| ServerError::Bind {
                address: address.clone(),
                source,
            })?;
        let state = tokio::task::spawn_blocking(move || AppState::start(config, worker))
            .await
            .expect("farm start does not panic")?;
        Ok(Server {
            state: Arc::new(state),
            listener,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> &SharedState {
        &self.state
    }

    /// Serves until `shutdown` completes, then stops the workers.
    pub async fn run(
        mut self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Links in responses name the port actually bound.
        if let Ok(address) = self.listener.local_addr()
            && let Some(state) = Arc::get_mut(&mut self.state)
        {
            state.config.port = address.port();
        }
        let app = router(self.state.clone());
        let result = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        if let Some(farm) = &self.state.farm {
            farm.embedded.pool.shutdown();
        }
        result
    }
}

/// Every route. API routes need the token when one is configured.
pub fn router(state: SharedState) -> Router {
    let guarded = Router::new()
        .route("/api/lambda/render", post(api::render))
        .route("/api/lambda/progress", post(api::progress))
        .route("/api/lambda/progress/{render_id}", get(api::progress_by_id))
        .route("/api/lambda/still", post(api::still))
        .route("/api/preview", post(api::preview))
        .route("/api/renders/{render_id}/logs", get(logs::logs))
        .route("/files/{bucket}", get(files::list))
        .route("/files/{bucket}/", get(files::list))
        .route("/files/{bucket}/{*key}", get(files::object))
        .route(
            "/2015-03-31/functions/{function}/invocations",
            post(invoke::invoke),
        )
        .route_layer(from_fn_with_state(state.clone(), auth::require_token));
    let open = Router::new()
        .route("/", get(|| async { Html(STUDIO_HTML) }))
        .route(
            "/studio/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", STUDIO_JS) }),
        )
        .route(
            "/studio/app.css",
            get(|| async { asset("text/css; charset=utf-8", STUDIO_CSS) }),
        )
        .route("/healthz", get(healthz))
        .route(
            "/api/openapi.json",
            get(|| async { asset("application/json", OPENAPI) }),
        );
    open.merge(guarded)
        .fallback(not_found)
        .layer(cors(&state.config.cors_origins))
        .with_state(state)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!("no route for {method} {}", uri.path()))
}

async fn healthz(axum::extract::State(state): axum::extract::State<SharedState>) -> Response {
    let farm = state.farm.as_ref().map(|farm| {
        let stats = farm.embedded.pool.stats();
        json!({
            "functionName": farm.function_name,
            "bucketName": farm.bucket,
            "siteName": state.config.site_name,
            "region": state.config.region,
            "protocolVersion": farm.embedded.config.version,
            "workers": {"spawned": stats.spawned, "live": stats.live, "idle": stats.idle},
        })
    });
    (
        StatusCode::OK,
        axum::Json(json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "backend": state.config.backend,
            "uptimeSeconds": state.started.elapsed().as_secs(),
            "farm": farm,
        })),
    )
        .into_response()
}

fn cors(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::RANGE,
            header::HeaderName::from_static("x-amz-invocation-type"),
        ])
        .expose_headers([
            header::CONTENT_LENGTH,
            header::CONTENT_RANGE,
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static("x-amz-function-error"),
        ])
}

/// Runs a server on its own Tokio runtime until Ctrl-C or SIGTERM. `ready` is called once it
/// listens, with the address and the state (to print where it is).
pub fn run_blocking(
    config: ServerConfig,
    worker: WorkerCommand,
    ready: impl FnOnce(SocketAddr, &AppState),
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServerError::Bind {
            address: "the runtime".into(),
            source,
        })?;
    runtime.block_on(async move {
        let server = Server::bind(config, worker).await?;
        let address = server.local_addr().map_err(|source| ServerError::Bind {
            address: "the socket".into(),
            source,
        })?;
        ready(address, server.state());
        server
            .run(shutdown_signal())
            .await
            .map_err(|source| ServerError::Bind {
                address: address.to_string(),
                source,
            })
    })
}

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
}
