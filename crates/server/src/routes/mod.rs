//! Handlers, one module per group of routes.

pub mod api;
pub mod files;
pub mod invoke;
pub mod logs;
