//! The worker side of the embedded pool: a `kinema` process that runs invocations of the
//! function one at a time, read from stdin, answered on stdout (see [`crate::pool`]).
//!
//! Stdout carries only the protocol: the worker moves the real stdout to a private descriptor
//! and points descriptor 1 at stderr, so nothing else (a library, a child process) can corrupt
//! it. The worker exits when its pool closes stdin or its parent dies.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::FromRawFd;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use crate::bucket::DiskStorage;
use crate::config::FarmConfig;
use crate::function::{Context, WarmState, handle};
use crate::invoker::{InvocationType, InvokeError, Invoker, check_payload_size};

/// Environment variable carrying the worker's [`FarmConfig`] as JSON.
pub const CONFIG_ENV: &str = "KINEMA_FARM_CONFIG";

/// The two ends of the protocol.
struct Channel {
    input: Mutex<BufReader<std::io::Stdin>>,
    output: Mutex<std::fs::File>,
    next_call: AtomicU64,
}

impl Channel {
    fn send(&self, message: &Value) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(message).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut output = self.output.lock().unwrap_or_else(|e| e.into_inner());
        output.write_all(&line)?;
        output.flush()
    }

    fn receive(&self) -> Option<Value> {
        let mut input = self.input.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let mut line = String::new();
            match input.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) if line.trim().is_empty() => continue,
                Ok(_) => match serde_json::from_str(&line) {
                    Ok(v) => return Some(v),
                    Err(e) => tracing::warn!("ignoring a malformed pool message: {e}"),
                },
            }
        }
    }
}

/// Invokes functions through the pool that runs this worker.
struct PoolInvoker<'a>(&'a Channel);

impl PoolInvoker<'_> {
    fn call(
        &self,
        function: &str,
        payload: Value,
        kind: InvocationType,
    ) -> Result<Value, InvokeError> {
        check_payload_size(&payload, kind)?;
        let call_id = self.0.next_call.fetch_add(1, Ordering::SeqCst);
        self.0
            .send(&json!({
                "kind": "invoke", "callId": call_id, "functionName": function,
                "invocationType": kind, "payload": payload,
            }))
            .map_err(|e| InvokeError::Unavailable(format!("the pool is gone: {e}")))?;
        // The handler is single-threaded: the next message for this worker is the reply.
        let reply = self
            .0
            .receive()
            .ok_or_else(|| InvokeError::Unavailable("the pool is gone".into()))?;
        if reply.get("ok").and_then(Value::as_bool) == Some(true) {
            Ok(reply.get("payload").cloned().unwrap_or(Value::Null))
        } else {
            let text = |k: &str| {
                reply
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            Err(InvokeError::Function {
                error_type: text("errorType"),
                message: text("errorMessage"),
            })
        }
    }
}

impl Invoker for PoolInvoker<'_> {
    fn invoke(&self, function: &str, payload: Value) -> Result<Value, InvokeError> {
        self.call(function, payload, InvocationType::RequestResponse)
    }
    fn invoke_event(&self, function: &str, payload: Value) -> Result<(), InvokeError> {
        self.call(function, payload, InvocationType::Event)
            .map(|_| ())
    }
}

/// Runs the worker loop; returns the process exit code.
/// How much workers lower their scheduling priority.
const WORKER_NICENESS: libc::c_int = 10;

pub fn run() -> i32 {
    let process_started = std::time::Instant::now();
    // SAFETY: plain descriptor calls on this process's own standard descriptors.
    let protocol_fd = unsafe {
        let fd = libc::dup(1);
        if fd < 0 || libc::dup2(2, 1) < 0 {
            eprintln!("kinema worker: cannot set up its protocol descriptor");
            return 2;
        }
        libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        fd
    };
    // SAFETY: `protocol_fd` was just duplicated and is owned by nothing else.
    let output = unsafe { std::fs::File::from_raw_fd(protocol_fd) };
    watch_parent();
    // Rendering is batch work: the process that invoked it (a CLI's progress bar, a server
    // answering polls) and the rest of the machine go first when cores are short. With idle
    // cores it changes nothing.
    // SAFETY: changes only this process's scheduling priority.
    unsafe { libc::nice(WORKER_NICENESS) };
    let config: FarmConfig = match std::env::var(CONFIG_ENV)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(config) => config,
        Err(e) => {
            eprintln!("kinema worker: {CONFIG_ENV} is missing or invalid: {e}");
            return 2;
        }
    };
    let channel = Channel {
        input: Mutex::new(BufReader::new(std::io::stdin())),
        output: Mutex::new(output),
        next_call: AtomicU64::new(1),
    };
    let storage = DiskStorage::new(config.storage_root.clone());
    let mut warm = WarmState::default();
    while let Some(message) = channel.receive() {
        if message.get("kind").and_then(Value::as_str) != Some("invoke") {
            continue;
        }
        let text = |k: &str| {
            message
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let payload = message.get("payload").cloned().unwrap_or(Value::Null);
        let invoker = PoolInvoker(&channel);
        let mut context = Context {
            config: &config,
            storage: &storage,
            invoker: &invoker,
            function_name: text("functionName"),
            request_id: text("requestId"),
            deadline_ms: message
                .get("deadlineMs")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX),
            received: if warm.invocations == 0 {
                process_started
            } else {
                std::time::Instant::now()
            },
            warm: &mut warm,
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            handle(&mut context, payload)
        }));
        let reply = match outcome {
            Ok(payload) => json!({"kind": "result", "payload": payload}),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into());
                // State may be inconsistent after a panic: start cold next time.
                warm = WarmState::default();
                json!({"kind": "error", "errorType": "Runtime.Panic", "errorMessage": message})
            }
        };
        if channel.send(&reply).is_err() {
            break;
        }
    }
    0
}

/// Exits when the pool's process dies, so no worker outlives its pool.
fn watch_parent() {
    // SAFETY: getppid has no preconditions.
    let parent = unsafe { libc::getppid() };
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(std::time::Duration::from_millis(250));
            // SAFETY: as above.
            if unsafe { libc::getppid() } != parent {
                // Nobody is left to remove this worker's scratch folder.
                let _ = std::fs::remove_dir_all(scratch_dir_of(std::process::id()));
                // SAFETY: ends this process group's leader-less worker immediately; children
                // (ffmpeg) see their stdin close and exit.
                unsafe { libc::_exit(3) };
            }
        }
    });
}

/// A worker's scratch folder; the pool removes it when the worker dies.
pub fn scratch_dir_of(pid: u32) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("kinema-worker-{pid}"))
}
