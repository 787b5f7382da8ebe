//! Lowers the scheduling priority of compute threads so the UI stays smooth.

/// The lowest priority, the window's default for training.
pub const LOWEST: i32 = 19;

/// Sets the calling thread's nice value (Linux: per thread; elsewhere: no effect),
/// in the normal scheduling class. Returns whether it took effect.
pub fn set_current_thread_nice(nice: i32) -> bool {
    set_current_thread_priority(nice, false)
}

/// Sets the calling thread's nice value and, with `idle`, Linux's idle scheduling
/// class (`SCHED_IDLE`): any other thread that wakes — the window's, the software
/// renderer's — then takes the CPU at once, where nice 19 alone lets a running
/// compute thread finish its slice first. With the window repainting continuously
/// while DCGAN trains, the frame interval's p99 went from 39 to 25 ms (llvmpipe,
/// 2 cores); but every wake-up then interrupts training, which cost the VAE about a
/// tenth of its speed at the window's usual two frames a second, so the window asks
/// for it only while it draws many frames. Returns whether it took effect.
pub fn set_current_thread_priority(nice: i32, idle: bool) -> bool {
    set_thread_priority(0, nice, idle)
}

/// The names training threads start with: the worker, its compute pool, and the
/// pool candle starts for element-wise ops from a compute thread.
const TRAINING_THREADS: [&str; 3] = ["studio-worker", "studio-compute", "candle-bp"];

/// Sets the priority of every training thread of this process (found by name in
/// `/proc/self/task`), those candle started included. Returns whether every one
/// took it (and that there was one).
pub fn set_training_threads_priority(nice: i32, idle: bool) -> bool {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return false;
    };
    let mut all = true;
    let mut any = false;
    for task in tasks.flatten() {
        let Ok(comm) = std::fs::read_to_string(task.path().join("comm")) else {
            continue;
        };
        if !TRAINING_THREADS
            .iter()
            .any(|p| comm.trim_end().starts_with(p))
        {
            continue;
        }
        let Some(tid) = task
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<i32>().ok())
        else {
            continue;
        };
        any = true;
        all &= set_thread_priority(tid, nice, idle);
    }
    any && all
}

/// Sets thread `tid`'s (0: the calling thread) nice value and scheduling class.
fn set_thread_priority(tid: i32, nice: i32, idle: bool) -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: setpriority has no memory-safety preconditions; on Linux, a thread
        // id with PRIO_PROCESS names that thread (0: the calling one).
        let niced = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, nice) == 0 };
        let policy = if idle {
            libc::SCHED_IDLE
        } else {
            libc::SCHED_OTHER
        };
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: as above; `param` outlives the call.
        let classed = unsafe { libc::sched_setscheduler(tid, policy, &param) == 0 };
        niced && classed
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (tid, nice, idle);
        false
    }
}
