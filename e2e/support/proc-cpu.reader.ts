import { readdirSync, readFileSync } from 'node:fs';

// CPU accounting from /proc (Linux) for the benchmarks: undefined where /proc is not there.

/** The fields of /proc/<pid>/stat after the command name (Linux); undefined when unreadable. */
function procStatFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux); undefined elsewhere. CPU per
 * frame is what the machine's load does not change much, unlike the rates: the table reports it.
 */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  const fields = pid === undefined ? undefined : procStatFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : undefined; // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * CPU seconds of a process and its children: the live ones (Postgres backends are children of the
 * postmaster) plus what exited children left in its cutime/cstime.
 */
export function cpuSecondsOfTree(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const own = procStatFields(pid);
  if (!own) return undefined;
  // After ')': state ppid … utime(11) stime(12) cutime(13) cstime(14)
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = procStatFields(entry);
    if (f && Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return undefined;
  }
}
