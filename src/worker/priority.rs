//! Lowers the scheduling priority of compute threads so the UI stays smooth.

/// Sets the calling thread's nice value (Linux: per thread; elsewhere: no effect).
/// Returns whether it took effect.
pub fn set_current_thread_nice(nice: i32) -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: setpriority has no memory-safety preconditions; on Linux, `who = 0`
        // with PRIO_PROCESS names the calling thread.
        unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, nice) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = nice;
        false
    }
}
