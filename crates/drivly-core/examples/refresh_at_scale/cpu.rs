//! CPU time from `/proc`: the whole process, and the threads whose name starts with a prefix.
//!
//! The emulator runs in this process on its own runtime whose threads are named `emulator`, so
//! the refreshers' cost is the process's CPU time minus those threads'. Times are in clock
//! ticks of 10 ms (`CLK_TCK` is 100 on Linux), which is plenty over a run of minutes.

use std::fs;

/// Milliseconds per clock tick (`CLK_TCK` = 100 on every Linux the app supports).
const MS_PER_TICK: u64 = 10;

/// `utime + stime` of one `/proc/.../stat` file, in milliseconds, with the thread's name.
fn read_stat(path: &str) -> Option<(String, u64)> {
    let text = fs::read_to_string(path).ok()?;
    // The name is in parentheses and may contain spaces; the numeric fields follow the last ')'.
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text.get(open + 1..close)?.to_owned();
    let fields: Vec<&str> = text.get(close + 2..)?.split_whitespace().collect();
    // After the name: state is field 3, utime 14, stime 15 (1-based), so indices 11 and 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, (utime + stime) * MS_PER_TICK))
}

/// CPU milliseconds of the whole process, including threads that have exited.
pub fn process_ms() -> u64 {
    read_stat("/proc/self/stat").map_or(0, |(_, ms)| ms)
}

/// CPU milliseconds of the live threads whose name starts with `prefix`.
pub fn threads_ms(prefix: &str) -> u64 {
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| read_stat(&format!("{}/stat", task.path().display())))
        .filter(|(name, _)| name.starts_with(prefix))
        .map(|(_, ms)| ms)
        .sum()
}

/// This process's resident memory in bytes (`/proc/self/statm`: resident pages × 4 KiB, the
/// page size of every Linux the app supports).
pub fn resident_bytes() -> u64 {
    fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|text| text.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}
