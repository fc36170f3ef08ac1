//! Compositions as code: Remotion-style TSX/JSX evaluated natively into one element tree per
//! frame.
//!
//! The stage works in three steps:
//! 1. [`Bundle`] reads a project (an entry file calling `registerRoot`) or a code string,
//!    transpiles every module with oxc and resolves every import up front;
//! 2. [`Engine`] evaluates the bundle in a sandboxed QuickJS runtime with Kinema's own React
//!    and Remotion modules;
//! 3. [`Engine::render_frame`] expands the selected composition for one frame into a
//!    [`FrameTree`], the contract with the renderer.
//!
//! ```no_run
//! use std::sync::Arc;
//! use kinema_compose::{Bundle, Engine, Limits};
//! let bundle = Arc::new(Bundle::from_entry("examples/showcase/src/index.ts".as_ref())?);
//! let mut engine = Engine::new(bundle, Limits::default())?;
//! engine.select("TitleCard", &serde_json::json!({}))?;
//! let tree = engine.render_frame(12)?;
//! println!("{}", serde_json::to_string_pretty(&tree).unwrap());
//! # Ok::<(), kinema_compose::ComposeError>(())
//! ```

mod builtins;
mod bundle;
mod compiled;
mod dom;
mod engine;
pub mod env;
mod error;
pub mod fetch;
mod google_fonts;
mod memory;
mod number;
mod stack;
mod tape;
mod tape_reader;
mod transpile;
pub mod tree;

pub use bundle::{
    Bundle, BundleKind, CODE_MODULE, CodeComposition, DiskFiles, MemoryFiles, SourceFiles,
    project_root_of,
};
pub use engine::{
    CompositionInfo, CompositionKind, ConfigOverrides, Engine, Limits, MIN_MEMORY_BYTES,
    ResolvedComposition, ResolvedMetadata,
};
pub use env::{EnvFile, EnvVariables, parse_env_file};
pub use error::{ComposeError, ScriptException, SourceLocation, StackFrame, code_frame};
pub use fetch::{FetchRequest, FetchResponse, Fetcher};
pub use google_fonts::google_font_module;
pub use transpile::{TranspiledModule, transpile};
pub use tree::{Element, FrameTree, Media, MediaKind, Node};
