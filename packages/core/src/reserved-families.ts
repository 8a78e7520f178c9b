/**
 * The families upstream pushgateway 1.5.1 exposes itself (Go runtime, process, its own HTTP and
 * build metrics), read off a running binary's /metrics on linux/amd64. Pushes must not contradict
 * them (spec §2.6): a different type is refused, and so is a different HELP for the families that
 * had no samples when upstream started (only those are absent from its HELP-rewrite list).
 * `presentAtStartup` is false exactly for the pushgateway_http_* families, which appear after the
 * first request.
 */
import type { MetricType } from '@pushgate/exposition';
import type { ReservedFamilies, ReservedFamily } from './model';

function family(
  name: string,
  type: MetricType,
  presentAtStartup: boolean,
  help: string,
): [string, ReservedFamily] {
  return [name, Object.freeze({ type, help, presentAtStartup })];
}

/** The reserved families of upstream 1.5.1, by name. */
export const UPSTREAM_OWN_FAMILIES: ReservedFamilies = new Map([
  family(
    'go_gc_duration_seconds',
    'SUMMARY',
    true,
    'A summary of the pause duration of garbage collection cycles.',
  ),
  family('go_goroutines', 'GAUGE', true, 'Number of goroutines that currently exist.'),
  family('go_info', 'GAUGE', true, 'Information about the Go environment.'),
  family('go_memstats_alloc_bytes', 'GAUGE', true, 'Number of bytes allocated and still in use.'),
  family(
    'go_memstats_alloc_bytes_total',
    'COUNTER',
    true,
    'Total number of bytes allocated, even if freed.',
  ),
  family(
    'go_memstats_buck_hash_sys_bytes',
    'GAUGE',
    true,
    'Number of bytes used by the profiling bucket hash table.',
  ),
  family('go_memstats_frees_total', 'COUNTER', true, 'Total number of frees.'),
  family(
    'go_memstats_gc_sys_bytes',
    'GAUGE',
    true,
    'Number of bytes used for garbage collection system metadata.',
  ),
  family(
    'go_memstats_heap_alloc_bytes',
    'GAUGE',
    true,
    'Number of heap bytes allocated and still in use.',
  ),
  family('go_memstats_heap_idle_bytes', 'GAUGE', true, 'Number of heap bytes waiting to be used.'),
  family('go_memstats_heap_inuse_bytes', 'GAUGE', true, 'Number of heap bytes that are in use.'),
  family('go_memstats_heap_objects', 'GAUGE', true, 'Number of allocated objects.'),
  family('go_memstats_heap_released_bytes', 'GAUGE', true, 'Number of heap bytes released to OS.'),
  family('go_memstats_heap_sys_bytes', 'GAUGE', true, 'Number of heap bytes obtained from system.'),
  family(
    'go_memstats_last_gc_time_seconds',
    'GAUGE',
    true,
    'Number of seconds since 1970 of last garbage collection.',
  ),
  family('go_memstats_lookups_total', 'COUNTER', true, 'Total number of pointer lookups.'),
  family('go_memstats_mallocs_total', 'COUNTER', true, 'Total number of mallocs.'),
  family(
    'go_memstats_mcache_inuse_bytes',
    'GAUGE',
    true,
    'Number of bytes in use by mcache structures.',
  ),
  family(
    'go_memstats_mcache_sys_bytes',
    'GAUGE',
    true,
    'Number of bytes used for mcache structures obtained from system.',
  ),
  family(
    'go_memstats_mspan_inuse_bytes',
    'GAUGE',
    true,
    'Number of bytes in use by mspan structures.',
  ),
  family(
    'go_memstats_mspan_sys_bytes',
    'GAUGE',
    true,
    'Number of bytes used for mspan structures obtained from system.',
  ),
  family(
    'go_memstats_next_gc_bytes',
    'GAUGE',
    true,
    'Number of heap bytes when next garbage collection will take place.',
  ),
  family(
    'go_memstats_other_sys_bytes',
    'GAUGE',
    true,
    'Number of bytes used for other system allocations.',
  ),
  family(
    'go_memstats_stack_inuse_bytes',
    'GAUGE',
    true,
    'Number of bytes in use by the stack allocator.',
  ),
  family(
    'go_memstats_stack_sys_bytes',
    'GAUGE',
    true,
    'Number of bytes obtained from system for stack allocator.',
  ),
  family('go_memstats_sys_bytes', 'GAUGE', true, 'Number of bytes obtained from system.'),
  family('go_threads', 'GAUGE', true, 'Number of OS threads created.'),
  family(
    'process_cpu_seconds_total',
    'COUNTER',
    true,
    'Total user and system CPU time spent in seconds.',
  ),
  family('process_max_fds', 'GAUGE', true, 'Maximum number of open file descriptors.'),
  family('process_open_fds', 'GAUGE', true, 'Number of open file descriptors.'),
  family('process_resident_memory_bytes', 'GAUGE', true, 'Resident memory size in bytes.'),
  family(
    'process_start_time_seconds',
    'GAUGE',
    true,
    'Start time of the process since unix epoch in seconds.',
  ),
  family('process_virtual_memory_bytes', 'GAUGE', true, 'Virtual memory size in bytes.'),
  family(
    'process_virtual_memory_max_bytes',
    'GAUGE',
    true,
    'Maximum amount of virtual memory available in bytes.',
  ),
  family(
    'pushgateway_build_info',
    'GAUGE',
    true,
    "A metric with a constant '1' value labeled by version, revision, branch, goversion from which pushgateway was built, and the goos and goarch for the build.",
  ),
  family(
    'pushgateway_http_push_duration_seconds',
    'SUMMARY',
    false,
    'HTTP request duration for pushes to the Pushgateway.',
  ),
  family(
    'pushgateway_http_push_size_bytes',
    'SUMMARY',
    false,
    'HTTP request size for pushes to the Pushgateway.',
  ),
  family(
    'pushgateway_http_requests_total',
    'COUNTER',
    false,
    'Total HTTP requests processed by the Pushgateway, excluding scrapes.',
  ),
]);
