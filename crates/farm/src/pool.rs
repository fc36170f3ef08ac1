//! The embedded Invoker: a pool of worker processes of the `kinema` binary, each running one
//! invocation at a time and kept warm for the next, like Lambda containers.
//!
//! - Rendering invocations (`renderer`, `still`) are limited to `concurrency` at once (default:
//!   one per core), and to as many as `memory_budget` holds by their estimates
//!   ([`crate::admission`]; one always runs), and wait in FIFO order; Event invocations are
//!   queued, never dropped. The other routines (`start`, `launch`, `status`, …) mostly wait on
//!   storage and run beside them, so an orchestrating `launch` never takes a core's slot from
//!   the renderers.
//! - Each invocation has the function's timeout; a worker that exceeds it is killed and the
//!   invocation fails with Lambda's `Task timed out after … seconds`.
//! - A worker that dies (crash, kill, out of memory) is replaced; its invocation fails with
//!   `Runtime exited with signal …`, and a failed Event invocation is passed to the pool's
//!   failure destination (like Lambda's on-failure destination), which the farm uses to report
//!   the chunk as failed so the launch retries it.
//!
//! Protocol (one JSON object per line): the pool writes `{"kind":"invoke", requestId,
//! functionName, deadlineMs, payload}` to the worker's stdin; the worker answers
//! `{"kind":"result", payload}` or `{"kind":"error", errorType, errorMessage}` on stdout, and
//! may ask the pool to invoke functions in between (`{"kind":"invoke", callId, …}` →
//! `{"kind":"invokeResult", callId, …}`). Worker logs go to stderr.

use std::collections::{HashSet, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use kinema_encode::memory::in_megabytes;

use crate::admission::rendering_bytes;
use crate::invoker::{InvocationType, InvokeError, Invoker, check_payload_size};

/// Called with a failed Event invocation's function name, payload and error.
pub type FailureDestination = Arc<dyn Fn(&str, &Value, &InvokeError) + Send + Sync>;

/// How the pool starts and bounds its workers.
#[derive(Clone)]
pub struct PoolOptions {
    /// The worker executable (the `kinema` binary) and its arguments.
    pub program: PathBuf,
    pub args: Vec<String>,
    /// Extra environment for the workers.
    pub env: Vec<(String, String)>,
    /// The one function this pool hosts.
    pub function_name: String,
    /// Rendering invocations at once.
    pub concurrency: usize,
    /// Bytes of memory the rendering invocations may hold at once, by their estimates
    /// ([`crate::admission::rendering_bytes`]); `None`: no limit. One invocation runs even when
    /// its estimate alone is more.
    pub memory_budget: Option<u64>,
    /// Each invocation's limit.
    pub timeout: Duration,
    /// How long an idle worker stays warm.
    pub idle_timeout: Duration,
    /// Where workers' logs go (appended); `None`: the `tracing` debug log.
    pub log_file: Option<PathBuf>,
    pub on_event_failure: Option<FailureDestination>,
}

impl PoolOptions {
    pub fn new(program: PathBuf, function_name: String) -> PoolOptions {
        PoolOptions {
            program,
            args: Vec::new(),
            env: Vec::new(),
            function_name,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            memory_budget: None,
            timeout: Duration::from_secs(900),
            idle_timeout: Duration::from_secs(300),
            log_file: None,
            on_event_failure: None,
        }
    }
}

/// The pool. Dropping it kills every worker.
pub struct WorkerPool {
    inner: Arc<Inner>,
}

struct Inner {
    options: PoolOptions,
    /// Identifies this pool's workers on their command line.
    id: String,
    state: Mutex<State>,
    changed: Condvar,
    log: Option<Mutex<std::fs::File>>,
}

#[derive(Default)]
struct State {
    idle: Vec<(Worker, Instant)>,
    /// Rendering invocations waiting for a slot, oldest first.
    waiting: VecDeque<Ticket>,
    next_ticket: u64,
    rendering: usize,
    /// The estimated bytes of the rendering invocations running.
    reserved: u64,
    /// Whether a wait for memory has been logged at info level.
    told_memory: bool,
    live: HashSet<u32>,
    shut_down: bool,
    spawned: u64,
}

struct Worker {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    lines: mpsc::Receiver<String>,
}

impl Worker {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Pool counters, for tests and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub spawned: u64,
    pub live: usize,
    pub idle: usize,
}

impl WorkerPool {
    pub fn new(options: PoolOptions) -> std::io::Result<WorkerPool> {
        let log = match &options.log_file {
            Some(path) => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                Some(Mutex::new(
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)?,
                ))
            }
            None => None,
        };
        Ok(WorkerPool {
            inner: Arc::new(Inner {
                id: crate::util::random_id(12),
                options,
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
                log,
            }),
        })
    }

    /// The id on this pool's workers' command lines (`--pool {id}`).
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    pub fn stats(&self) -> PoolStats {
        let state = self.inner.lock();
        PoolStats {
            spawned: state.spawned,
            live: state.live.len(),
            idle: state.idle.len(),
        }
    }

    /// Stops accepting invocations and kills every worker.
    pub fn shutdown(&self) {
        self.inner.shutdown();
    }

    /// Invokes with an explicit invocation type (what the HTTP Invoke API needs). `DryRun`
    /// only checks the function name and payload.
    pub fn invoke_as(
        &self,
        function: &str,
        payload: Value,
        kind: InvocationType,
    ) -> Result<Option<Value>, InvokeError> {
        match kind {
            InvocationType::RequestResponse => self.invoke(function, payload).map(Some),
            InvocationType::Event => self.invoke_event(function, payload).map(|_| None),
            InvocationType::DryRun => {
                self.inner.check_function(function)?;
                check_payload_size(&payload, kind)?;
                Ok(None)
            }
        }
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        self.inner.shutdown();
    }
}

impl Invoker for WorkerPool {
    fn invoke(&self, function: &str, payload: Value) -> Result<Value, InvokeError> {
        Inner::invoke(&self.inner, function, payload)
    }

    fn invoke_event(&self, function: &str, payload: Value) -> Result<(), InvokeError> {
        Inner::invoke_event(&self.inner, function, payload)
    }
}

/// A rendering invocation's place in line, and the bytes it is expected to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ticket {
    number: u64,
    bytes: u64,
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check_function(&self, function: &str) -> Result<(), InvokeError> {
        // ARNs and partial ARNs name the function last.
        let name = function.rsplit(':').next().unwrap_or(function);
        if name != self.options.function_name {
            return Err(InvokeError::FunctionNotFound(format!(
                "{function} (this farm hosts {})",
                self.options.function_name
            )));
        }
        Ok(())
    }

    fn invoke(this: &Arc<Inner>, function: &str, payload: Value) -> Result<Value, InvokeError> {
        this.check_function(function)?;
        check_payload_size(&payload, InvocationType::RequestResponse)?;
        let slot = Slot::acquire(this, rendering_bytes(&payload))?;
        let result = this.run(&payload);
        drop(slot);
        result
    }

    fn invoke_event(this: &Arc<Inner>, function: &str, payload: Value) -> Result<(), InvokeError> {
        this.check_function(function)?;
        check_payload_size(&payload, InvocationType::Event)?;
        if this.lock().shut_down {
            return Err(InvokeError::Unavailable(
                "the worker pool was shut down".into(),
            ));
        }
        // Take the queue position now, so Event invocations start in the order they were made.
        let ticket = rendering_bytes(&payload).map(|bytes| Slot::enqueue(this, bytes));
        let inner = this.clone();
        let function = function.to_string();
        let spawned = std::thread::Builder::new()
            .name("kinema-invoke".into())
            .spawn(move || {
                let result = Slot::wait(&inner, ticket).and_then(|slot| {
                    let result = inner.run(&payload);
                    drop(slot);
                    result
                });
                match result {
                    Ok(_) => {}
                    Err(e) => {
                        if inner.lock().shut_down {
                            return;
                        }
                        tracing::warn!("Event invocation of {function} failed: {e}");
                        if let Some(destination) = &inner.options.on_event_failure {
                            destination(&function, &payload, &e);
                        }
                    }
                }
            });
        if let Err(e) = spawned {
            // The ticket would stay first in line for ever, holding up every later render.
            if let Some(ticket) = ticket {
                this.lock().waiting.retain(|t| *t != ticket);
                this.changed.notify_all();
            }
            return Err(InvokeError::Unavailable(format!(
                "cannot start a thread: {e}"
            )));
        }
        Ok(())
    }

    /// Runs one invocation on a warm or new worker.
    fn run(self: &Arc<Inner>, payload: &Value) -> Result<Value, InvokeError> {
        let mut worker = self.take_worker()?;
        let request_id = format!(
            "{}-{}-{}",
            crate::util::random_id(8),
            crate::util::random_id(4),
            crate::util::random_id(12)
        );
        let deadline = Instant::now() + self.options.timeout;
        let deadline_ms = crate::util::now_ms() + self.options.timeout.as_millis() as u64;
        let request = json!({
            "kind": "invoke",
            "requestId": request_id,
            "functionName": self.options.function_name,
            "deadlineMs": deadline_ms,
            "payload": payload,
        });
        if write_line(&worker.stdin, &request).is_err() {
            // The warm worker died while idle: retire it and start a fresh one once.
            self.retire(worker);
            worker = self.spawn_worker()?;
            write_line(&worker.stdin, &request)
                .map_err(|e| InvokeError::Unavailable(format!("cannot reach a worker: {e}")))?;
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match worker.lines.recv_timeout(left) {
                Ok(line) => {
                    let Ok(message) = serde_json::from_str::<Value>(&line) else {
                        tracing::warn!("worker {} wrote a non-protocol line: {line}", worker.pid());
                        continue;
                    };
                    match message.get("kind").and_then(Value::as_str) {
                        Some("result") => {
                            let payload = message.get("payload").cloned().unwrap_or(Value::Null);
                            self.park(worker);
                            return Ok(payload);
                        }
                        Some("error") => {
                            let text = |k: &str| {
                                message
                                    .get(k)
                                    .and_then(Value::as_str)
                                    .unwrap_or("")
                                    .to_string()
                            };
                            self.park(worker);
                            return Err(InvokeError::Function {
                                error_type: text("errorType"),
                                message: text("errorMessage"),
                            });
                        }
                        Some("invoke") => self.nested(&worker, message),
                        _ => tracing::warn!("unknown worker message: {line}"),
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let pid = worker.pid();
                    self.retire(worker);
                    tracing::warn!("invocation {request_id} timed out; worker {pid} was killed");
                    return Err(InvokeError::Function {
                        error_type: "Sandbox.Timedout".into(),
                        message: format!(
                            "RequestId: {request_id} Error: Task timed out after {:.2} seconds",
                            self.options.timeout.as_secs_f64()
                        ),
                    });
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let how = self.reap(worker);
                    return Err(InvokeError::Function {
                        error_type: "Runtime.ExitError".into(),
                        message: format!(
                            "RequestId: {request_id} Error: Runtime exited with {how}: the \
                             worker process died during the invocation"
                        ),
                    });
                }
            }
        }
    }

    /// A worker asks the pool to invoke a function.
    fn nested(self: &Arc<Inner>, worker: &Worker, message: Value) {
        let call_id = message.get("callId").cloned().unwrap_or(Value::Null);
        let function = message
            .get("functionName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let payload = message.get("payload").cloned().unwrap_or(Value::Null);
        let kind = message
            .get("invocationType")
            .and_then(Value::as_str)
            .and_then(InvocationType::parse)
            .unwrap_or(InvocationType::RequestResponse);
        let stdin = worker.stdin.clone();
        let reply = move |result: Result<Value, InvokeError>| {
            let message = match result {
                Ok(v) => {
                    json!({"kind": "invokeResult", "callId": call_id, "ok": true, "payload": v})
                }
                Err(e) => json!({
                    "kind": "invokeResult", "callId": call_id, "ok": false,
                    "errorType": e.error_type(), "errorMessage": e.to_string(),
                }),
            };
            let _ = write_line(&stdin, &message);
        };
        match kind {
            InvocationType::RequestResponse => {
                let inner = self.clone();
                std::thread::spawn(move || reply(Inner::invoke(&inner, &function, payload)));
            }
            _ => reply(Inner::invoke_event(self, &function, payload).map(|_| Value::Null)),
        }
    }

    fn take_worker(self: &Arc<Inner>) -> Result<Worker, InvokeError> {
        let mut expired = Vec::new();
        let warm = {
            let mut state = self.lock();
            if state.shut_down {
                return Err(InvokeError::Unavailable(
                    "the worker pool was shut down".into(),
                ));
            }
            let idle_timeout = self.options.idle_timeout;
            let (keep, old): (Vec<_>, Vec<_>) = std::mem::take(&mut state.idle)
                .into_iter()
                .partition(|(_, since)| since.elapsed() < idle_timeout);
            state.idle = keep;
            expired.extend(old.into_iter().map(|(w, _)| w));
            state.idle.pop().map(|(w, _)| w)
        };
        for worker in expired {
            self.retire(worker);
        }
        match warm {
            Some(worker) => Ok(worker),
            None => self.spawn_worker(),
        }
    }

    fn spawn_worker(self: &Arc<Inner>) -> Result<Worker, InvokeError> {
        let options = &self.options;
        let mut command = Command::new(&options.program);
        command
            .args(&options.args)
            .arg("--pool")
            .arg(&self.id)
            .envs(options.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| {
            InvokeError::Unavailable(format!(
                "cannot start worker {}: {e}",
                options.program.display()
            ))
        })?;
        let pid = child.id();
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let inner = self.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                inner.log_line(pid, &line);
            }
        });
        {
            let mut state = self.lock();
            state.live.insert(pid);
            state.spawned += 1;
            if state.shut_down {
                drop(state);
                let _ = child.kill();
                let _ = child.wait();
                return Err(InvokeError::Unavailable(
                    "the worker pool was shut down".into(),
                ));
            }
        }
        tracing::debug!("started worker {pid}");
        Ok(Worker {
            child,
            stdin: Arc::new(Mutex::new(stdin)),
            lines,
        })
    }

    fn log_line(&self, pid: u32, line: &str) {
        match &self.log {
            Some(file) => {
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                let _ = writeln!(file, "[worker {pid}] {line}");
            }
            None => tracing::debug!(target: "kinema::worker", "[worker {pid}] {line}"),
        }
    }

    /// Keeps a healthy worker warm for the next invocation.
    fn park(&self, worker: Worker) {
        let mut state = self.lock();
        let max_idle = self.options.concurrency + 4;
        if state.shut_down || state.idle.len() >= max_idle {
            drop(state);
            self.retire(worker);
        } else {
            state.idle.push((worker, Instant::now()));
        }
    }

    /// Kills a worker and forgets it.
    fn retire(&self, mut worker: Worker) {
        let _ = worker.child.kill();
        let _ = worker.child.wait();
        self.forget(worker.pid());
    }

    /// Drops a dead worker from the books and removes its scratch folder.
    fn forget(&self, pid: u32) {
        self.lock().live.remove(&pid);
        let _ = std::fs::remove_dir_all(crate::worker::scratch_dir_of(pid));
    }

    /// Collects a worker that exited on its own and says how it ended.
    fn reap(&self, mut worker: Worker) -> String {
        let status = worker.child.wait();
        self.forget(worker.pid());
        match status {
            Ok(status) => {
                use std::os::unix::process::ExitStatusExt;
                match status.signal() {
                    Some(libc::SIGKILL) => "signal: killed (SIGKILL)".into(),
                    Some(libc::SIGSEGV) => "signal: segmentation fault (SIGSEGV)".into(),
                    Some(libc::SIGTERM) => "signal: terminated (SIGTERM)".into(),
                    Some(signal) => format!("signal: {signal}"),
                    None => format!("exit status {}", status.code().unwrap_or(-1)),
                }
            }
            Err(e) => format!("an unknown status ({e})"),
        }
    }

    fn shutdown(&self) {
        let (idle, live) = {
            let mut state = self.lock();
            state.shut_down = true;
            (
                std::mem::take(&mut state.idle),
                state.live.iter().copied().collect::<Vec<_>>(),
            )
        };
        self.changed.notify_all();
        for (worker, _) in idle {
            self.retire(worker);
        }
        for pid in live {
            // SAFETY: sending a signal to a process this pool started and has not reaped.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL);
            }
            // The pool's process may exit before the threads waiting on these workers reap
            // them, so their scratch folders go now.
            let _ = std::fs::remove_dir_all(crate::worker::scratch_dir_of(pid));
        }
    }
}

fn write_line(stdin: &Arc<Mutex<ChildStdin>>, message: &Value) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(message).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut stdin = stdin.lock().unwrap_or_else(|e| e.into_inner());
    stdin.write_all(&line)?;
    stdin.flush()
}

/// A rendering slot, released on drop.
struct Slot {
    inner: Option<Arc<Inner>>,
    bytes: u64,
}

impl Slot {
    fn enqueue(inner: &Arc<Inner>, bytes: u64) -> Ticket {
        let mut state = inner.lock();
        let ticket = Ticket {
            number: state.next_ticket,
            bytes,
        };
        state.next_ticket += 1;
        state.waiting.push_back(ticket);
        ticket
    }

    /// A slot for an invocation expected to hold `bytes` (`None`: one that does not render).
    fn acquire(inner: &Arc<Inner>, bytes: Option<u64>) -> Result<Slot, InvokeError> {
        let ticket = bytes.map(|bytes| Slot::enqueue(inner, bytes));
        Slot::wait(inner, ticket)
    }

    /// Waits until `ticket` is first in line, a slot is free and the memory budget holds it
    /// beside the invocations running (or none is running).
    fn wait(inner: &Arc<Inner>, ticket: Option<Ticket>) -> Result<Slot, InvokeError> {
        let Some(ticket) = ticket else {
            return Ok(Slot {
                inner: None,
                bytes: 0,
            });
        };
        let mut said_why = false;
        let mut state = inner.lock();
        loop {
            if state.shut_down {
                state.waiting.retain(|t| *t != ticket);
                return Err(InvokeError::Unavailable(
                    "the worker pool was shut down".into(),
                ));
            }
            let first = state.waiting.front() == Some(&ticket);
            let slot_free = state.rendering < inner.options.concurrency.max(1);
            let memory_holds = state.rendering == 0
                || inner
                    .options
                    .memory_budget
                    .is_none_or(|budget| state.reserved.saturating_add(ticket.bytes) <= budget);
            if first && slot_free && memory_holds {
                state.waiting.pop_front();
                state.rendering += 1;
                state.reserved = state.reserved.saturating_add(ticket.bytes);
                inner.changed.notify_all();
                return Ok(Slot {
                    inner: Some(inner.clone()),
                    bytes: ticket.bytes,
                });
            }
            if first && slot_free && !said_why {
                said_why = true;
                let running = match state.rendering {
                    1 => "the chunk or still running holds".to_string(),
                    n => format!("the {n} chunks and stills running hold"),
                };
                let why = format!(
                    "a chunk or still waits for memory: it needs about {} beside the {} \
                     {running}, of the {} the farm may use; it starts when one finishes (a \
                     faster x264Preset needs less)",
                    in_megabytes(ticket.bytes),
                    in_megabytes(state.reserved),
                    in_megabytes(inner.options.memory_budget.unwrap_or(0)),
                );
                // Said once a pool; a farm short of memory would say it for every chunk.
                if std::mem::replace(&mut state.told_memory, true) {
                    tracing::debug!("{why}");
                } else {
                    tracing::info!("{why} (later waits are logged at debug level)");
                }
            }
            state = inner.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let mut state = inner.lock();
            state.rendering -= 1;
            state.reserved = state.reserved.saturating_sub(self.bytes);
            drop(state);
            inner.changed.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool of shell workers that answer every invocation after half a second, logging when
    /// each starts and ends (`+` and `-` lines) to `log`. Half a second is long enough for
    /// every invocation admitted together to start before the first ends.
    fn shell_pool(log: &std::path::Path, concurrency: usize, budget: Option<u64>) -> WorkerPool {
        let script = format!(
            "while read -r line; do echo + >> '{0}'; sleep 0.5; echo - >> '{0}'; \
             echo '{{\"kind\":\"result\",\"payload\":{{}}}}'; done",
            log.display()
        );
        let mut options = PoolOptions::new("sh".into(), "f".into());
        // The pool adds `--pool ID`, which lands in $0 and $1 of the script.
        options.args = vec!["-c".into(), script];
        options.concurrency = concurrency;
        options.memory_budget = budget;
        WorkerPool::new(options).unwrap()
    }

    /// The most invocations the log shows running at once among those after the first `skip`,
    /// once `skip + count` have ended (waiting for them up to a minute).
    fn most_at_once(log: &std::path::Path, skip: usize, count: usize) -> usize {
        let deadline = Instant::now() + Duration::from_secs(60);
        let text = loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if text.lines().filter(|line| *line == "-").count() >= skip + count {
                break text;
            }
            assert!(
                Instant::now() < deadline,
                "{count} invocations did not end: {text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let (mut now, mut most) = (0usize, 0usize);
        // Each batch ended before the next began: its lines come after the earlier ones'.
        for line in text.lines().skip(2 * skip) {
            match line {
                "+" => now += 1,
                _ => now -= 1,
            }
            most = most.max(now);
        }
        assert_eq!(now, 0, "every invocation ended: {text}");
        most
    }

    /// Invokes `payloads` at once and waits for every answer (a minute at most, so a pool that
    /// never admits one fails the test instead of hanging it).
    fn render_all(pool: &Arc<WorkerPool>, payloads: Vec<Value>) {
        let (tx, rx) = mpsc::channel();
        let count = payloads.len();
        for payload in payloads {
            let (pool, tx) = (pool.clone(), tx.clone());
            std::thread::spawn(move || tx.send(pool.invoke("f", payload).map(|_| ())));
        }
        for _ in 0..count {
            let answer = rx.recv_timeout(Duration::from_secs(60));
            answer.expect("an invocation never ended").unwrap();
        }
    }

    #[test]
    fn renders_start_only_as_many_as_the_memory_budget_holds() {
        let dir = std::env::temp_dir().join(format!("kinema-pool-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let chunk = json!({"type": "renderer", "width": 1920, "height": 1080, "codec": "h264"});
        let chunk_bytes = rendering_bytes(&chunk).unwrap();

        // Slots for four, memory for two and a half: two at a time, and as many again for a
        // second batch (the first gave back what it held).
        let log = dir.join("two.log");
        let pool = Arc::new(shell_pool(&log, 4, Some(chunk_bytes * 5 / 2)));
        render_all(&pool, vec![chunk.clone(); 4]);
        assert_eq!(most_at_once(&log, 0, 4), 2);
        render_all(&pool, vec![chunk.clone(); 4]);
        assert_eq!(most_at_once(&log, 4, 4), 2);
        // Event invocations wait their turn the same way.
        for _ in 0..4 {
            pool.invoke_event("f", chunk.clone()).unwrap();
        }
        assert_eq!(most_at_once(&log, 8, 4), 2);

        // Memory for less than one: one at a time, never none.
        let log = dir.join("one.log");
        let pool = Arc::new(shell_pool(&log, 4, Some(chunk_bytes / 2)));
        render_all(&pool, vec![chunk.clone(); 3]);
        assert_eq!(most_at_once(&log, 0, 3), 1);

        // Routines that do not render take no memory from the budget, and no budget leaves
        // only the slots.
        let log = dir.join("status.log");
        let pool = Arc::new(shell_pool(&log, 1, Some(chunk_bytes / 2)));
        let status = json!({"type": "status"});
        render_all(&pool, vec![chunk.clone(), status.clone(), status]);
        assert_eq!(most_at_once(&log, 0, 3), 3);
        let log = dir.join("unlimited.log");
        let pool = Arc::new(shell_pool(&log, 3, None));
        render_all(&pool, vec![chunk; 3]);
        assert_eq!(most_at_once(&log, 0, 3), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
