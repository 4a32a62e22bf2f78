//! The HTTP service: actix-web, thin handlers that translate between HTTP and the domain and
//! storage layers. Routes and their access rules are in [`routes`].

pub mod admin_pages;
pub mod api_headers;
pub mod audit_api;
pub mod auth_api;
pub mod authorize;
pub mod batches_api;
pub mod cases_api;
pub mod changes_api;
pub mod client;
pub mod entitlements_api;
pub mod error_pages;
pub mod flags_api;
pub mod health;
pub mod imports_api;
pub mod json_body;
pub mod lang;
pub mod login_csrf;
pub mod openapi;
pub mod pages;
pub mod payments_api;
pub mod progress_api;
pub mod reports_api;
pub mod request_id;
pub mod routes;
pub mod schema;
pub mod status_page;
pub mod units_api;
pub mod upload_pages;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, ResponseError, web};
use tracing_actix_web::TracingLogger;

use crate::auth::SecretKeys;
use crate::config::Settings;
use crate::db::Db;
use crate::error::AppError;

/// What every handler can reach. Cheap to clone; holds nothing that must be shared between
/// instances (sessions, counters and statuses live in the database).
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    /// The policy tables read at start-up.
    pub policy: Arc<crate::domain::policy::PolicySet>,
    pub keys: Arc<SecretKeys>,
    pub settings: Arc<Settings>,
    /// The open flags for the dashboard and the flag list, reused while nothing changed
    /// (`services::flags::RememberedFlags`).
    pub flags_remembered: Arc<crate::services::flags::RememberedFlags>,
}

/// A bound, not yet running server. Tests bind port 0 and read the real port.
pub struct Application {
    addr: std::net::SocketAddr,
    server: Server,
}

impl Application {
    /// Binds the listener and builds the server.
    pub fn build(state: AppState) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(state.settings.bind).map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {} (setting bind): {e}",
                state.settings.bind
            )
        })?;
        let addr = listener.local_addr()?;
        let server = server(state, listener)?;
        Ok(Application { addr, server })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address actually bound.
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// Installs the SIGINT/SIGTERM handlers (at once, before anything is announced) and
    /// returns the running service.
    pub fn start(self) -> std::io::Result<Running> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Running {
            server: self.server,
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// The server, for spawning in tests.
    pub fn into_server(self) -> Server {
        self.server
    }
}

/// A started service with its signal handlers in place.
pub struct Running {
    server: Server,
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl Running {
    /// Runs until SIGINT/SIGTERM, then stops gracefully: no new connections, in-flight
    /// requests finish (up to 30 s).
    pub async fn wait(mut self) -> std::io::Result<()> {
        let handle = self.server.handle();
        tokio::select! {
            result = &mut self.server => return result,
            _ = self.interrupt.recv() => tracing::info!("SIGINT: stopping"),
            _ = self.terminate.recv() => tracing::info!("SIGTERM: stopping"),
        }
        // The server future must keep running to carry out the stop.
        let (_, result) = tokio::join!(handle.stop(true), self.server);
        result
    }
}

fn server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let max_body = usize::try_from(state.settings.max_upload_bytes).unwrap_or(usize::MAX);
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(json_body::config())
            .app_data(web::QueryConfig::default().error_handler(|err, _| {
                AppError::bad_request(
                    "invalid_query",
                    format!("Tham số truy vấn không hợp lệ: {err}"),
                    format!("Invalid query parameters: {err}"),
                )
                .into()
            }))
            .app_data(web::PathConfig::default().error_handler(|err, _| {
                AppError::bad_request(
                    "invalid_path",
                    format!("Đường dẫn không hợp lệ: {err}"),
                    format!("Invalid path: {err}"),
                )
                .into()
            }))
            .app_data(web::PayloadConfig::new(max_body))
            .wrap(from_fn(error_pages::render))
            .wrap(from_fn(lang::remember))
            .wrap(from_fn(api_headers::add))
            .wrap(from_fn(request_id::add_header))
            .wrap(TracingLogger::<request_id::StaffpayRootSpan>::new())
            .configure(routes::configure)
            .default_service(web::to(not_found))
    })
    .shutdown_timeout(30)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}

async fn not_found() -> HttpResponse {
    AppError::NotFound.error_response()
}
