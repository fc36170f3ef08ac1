//! Modules compiled once per process and shared between engines as QuickJS bytecode.
//!
//! Every render thread starts its own engine, and the command's main thread one more to read
//! the composition's metadata. Parsing and compiling Kinema's ~8,500 lines of runtime modules
//! took ~20 ms of each engine's start; reading the bytecode back is a fraction of that. The
//! first engine to load a module compiles it from source (so syntax errors are reported
//! exactly as before) and keeps the bytecode; later engines read that.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use rquickjs::module::{Declared, WriteOptions};
use rquickjs::{Ctx, Module};

/// Bytecode of compiled modules, by module name.
#[derive(Debug, Default)]
pub(crate) struct CompiledModules {
    bytecode: Mutex<HashMap<String, Arc<[u8]>>>,
}

/// Kinema's built-in modules, the same for every bundle.
pub(crate) static BUILTIN_MODULES: LazyLock<CompiledModules> = LazyLock::new(Default::default);

impl CompiledModules {
    /// Declares module `name` in `ctx`: from bytecode another engine compiled, or compiled
    /// from `source` (and kept) if this is the first time.
    pub(crate) fn declare<'js>(
        &self,
        ctx: &Ctx<'js>,
        name: &str,
        source: &str,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        self.declare_with(ctx, name, || source.into())
    }

    /// [`declare`](Self::declare) with the source made only when it has to be compiled (a
    /// Google font's module is made from Kinema's table).
    pub(crate) fn declare_with<'js, 'a>(
        &self,
        ctx: &Ctx<'js>,
        name: &str,
        source: impl FnOnce() -> std::borrow::Cow<'a, str>,
    ) -> rquickjs::Result<Module<'js, Declared>> {
        let cached = self
            .bytecode
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned();
        if let Some(bytes) = cached {
            // SAFETY: the bytes were written by `Module::write` of this same QuickJS build in
            // this process, from the module of this name and source; they never leave memory.
            return unsafe { Module::load(ctx.clone(), &bytes) };
        }
        let module = Module::declare(ctx.clone(), name, &*source())?;
        // Debug information stays: stack traces name the same lines either way.
        if let Ok(bytes) = module.write(WriteOptions::default()) {
            self.bytecode
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(name.to_string(), bytes.into());
        }
        Ok(module)
    }
}
