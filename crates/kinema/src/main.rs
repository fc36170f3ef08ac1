//! The `kinema` command: parses arguments, calls the pipeline's libraries, prints results.

/// `print!` for results (all printed once the work is done): when whoever reads stdout has
/// gone (`kinema … | head -1`), the program ends quietly with status 141, as Unix tools stopped
/// by SIGPIPE do, instead of panicking on the broken pipe.
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!($($arg)*)) };
}

/// `println!` for results; see [`out!`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod audio_only;
mod chunk_queue;
mod cli;
mod finishing;
mod input;
mod json_error;
mod lambda;
mod memory;
mod render;
mod sequence;
mod serve;
mod sound;
mod still;
mod workers;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // A script that asked for JSON gets its usage errors as JSON too.
            if error.use_stderr() && std::env::args_os().any(|arg| arg == "--json") {
                let value = json_error::usage_error_json(&error.render().to_string());
                let text = serde_json::to_string_pretty(&value).unwrap_or_default();
                use std::io::Write as _;
                let _ = writeln!(std::io::stdout(), "{text}");
            }
            error.exit()
        }
    };
    init_tracing(cli.verbose);
    let json = cli.json();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Not eprintln!, which panics when stderr has gone (the terminal closed).
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            let hint = limit_hint(&error);
            if let Some(hint) = hint {
                let _ = writeln!(std::io::stderr(), "hint: {hint}");
            }
            // A command that printed its JSON before failing (`lambda render`'s progress object,
            // which holds the render's errors) has said it on stdout already.
            if json && !PRINTED.load(std::sync::atomic::Ordering::Relaxed) {
                let value = json_error::error_json(&error, hint);
                let text = serde_json::to_string_pretty(&value).unwrap_or_default();
                let _ = writeln!(std::io::stdout(), "{text}");
            }
            match error.downcast_ref::<render::Interrupted>() {
                Some(render::Interrupted(signal)) => ExitCode::from((128 + signal) as u8),
                None => ExitCode::FAILURE,
            }
        }
    }
}

/// Which flag raises the sandbox limit an error ran into, if it ran into one.
fn limit_hint(error: &anyhow::Error) -> Option<&'static str> {
    error.chain().find_map(|cause| match cause.downcast_ref() {
        Some(kinema_compose::ComposeError::Timeout { .. }) => Some(
            "--frame-time-limit-ms raises the CPU time a frame, loading or calculateMetadata may \
             take (10000 ms unless given), if the work is real",
        ),
        Some(kinema_compose::ComposeError::OutOfMemory { .. }) => Some(
            "--memory-limit-mib raises the JavaScript heap limit (512 MiB unless given), if the \
             memory is needed",
        ),
        _ => None,
    })
}

/// Whether a command has printed its results.
static PRINTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Write to stdout for [`out!`] and [`outln!`].
fn write_stdout(text: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    PRINTED.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(text).and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        // The status a shell reports for a program stopped by SIGPIPE (`seq 9 | head -1`), so
        // that a failed command never reads as a success.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(141),
        Err(error) => {
            eprintln!("error: cannot write to stdout: {error}");
            std::process::exit(1);
        }
    }
}

/// Keep freed memory in the process instead of giving it back to the system at once. Painting
/// frees and allocates buffers of the same few sizes every frame (stretched shadow images,
/// scenes of repainted rectangles); by default glibc maps blocks above 128 KiB afresh each
/// time and trims freed heap tops, so every such buffer came back as fresh pages, each a page
/// fault and a page of zeroing: ~6 % of Kinema's time for a motion-graphics render. Memory
/// still goes back past these bounds, so a render's peak is unchanged.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // Above this, blocks are mapped (and unmapped when freed) on their own: larger than a
        // 4K frame (32 MiB), so frame-sized buffers come from the heap and are reused.
        const MMAP_THRESHOLD: libc::c_int = 64 << 20;
        // A heap gives memory back once this much is free at its top.
        const TRIM_THRESHOLD: libc::c_int = 128 << 20;
        // SAFETY: mallopt only changes allocator parameters; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
        }
    }
}

fn init_tracing(verbose: u8) {
    // usvg warns about CSS it cannot read in an SVG's root style, which the document applies
    // to the box instead (a `rotate(30deg)`), every time Blitz builds the box: noise, not news.
    let default = match verbose {
        0 => "warn,kinema::console=info,usvg=error,svgtypes=error",
        1 => "info,usvg=error,svgtypes=error",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KINEMA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal, not for a log file or a pipe.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
}
