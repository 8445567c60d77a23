//! The real `facesim` binary as a child process: `facesim serve --addr 127.0.0.1:0` with more
//! arguments, its first stdout line, signals, and a kill on drop.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A generous bound for start-up.
pub const START_BOUND: Duration = Duration::from_secs(20);

/// A running `facesim serve`; killed on drop if still running.
pub struct Served {
    /// The process.
    pub child: Child,
    /// Its first stdout line, as printed.
    pub first_line: String,
}

impl Served {
    /// Starts `facesim serve --addr 127.0.0.1:0` with `extra` arguments and reads its first line.
    pub fn start(extra: &[&str]) -> Served {
        Served::start_logging(extra, Stdio::null())
    }

    /// Like [`Served::start`], with the logs (stderr) going to `logs`.
    pub fn start_logging(extra: &[&str], logs: impl Into<Stdio>) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_facesim"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(logs)
            .spawn()
            .expect("facesim starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let first_line = match receiver.recv_timeout(START_BOUND) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("facesim printed no first line within {START_BOUND:?}");
            }
        };
        Served { child, first_line }
    }

    /// The base URL announced on the first line.
    pub fn base(&self) -> &str {
        self.first_line
            .trim_end()
            .strip_prefix("facesim listening on ")
            .unwrap_or_else(|| panic!("announcement expected, got {:?}", self.first_line))
    }

    /// Sends `signal` (`TERM`, `KILL`) and waits up to `bound` for the exit status.
    pub fn signal(&mut self, signal: &str, bound: Duration) -> ExitStatus {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "facesim did not stop within {bound:?} after SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
