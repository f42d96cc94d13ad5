package io.streamlate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went over an interval, each as a share of all its cores: the whole machine (/proc/stat),
 * this JVM, the threads whose names start with a prefix (the engine's workers), and HotSpot's JIT compiler threads
 * (/proc/self/task: they are hidden from ThreadMXBean, and CompilationMXBean's compile time is wall time, which
 * overstates their CPU on a busy machine). The /proc figures are empty off Linux. A latency figure taken on a
 * machine that was already busy reads differently from one on an idle machine.
 */
record CpuShares(OptionalDouble machine, double process, double threads, OptionalDouble jit) {

    private static final double TICKS_PER_SECOND = 100; // USER_HZ, what Linux reports in /proc/*/stat

    /** Readings at the start of an interval; {@link #until} closes it. */
    static final class Start {
        private final String threadPrefix;
        private final long nanos = System.nanoTime();
        private final long[] machineTicks = machineTicks();
        private final long processCpu = processCpuNanos();
        private final long threadsCpu;
        private final OptionalLong compilerTicks = compilerTicks();

        private Start(String threadPrefix) {
            this.threadPrefix = threadPrefix;
            this.threadsCpu = threadCpuNanos(threadPrefix);
        }
    }

    /** @param threadPrefix the threads counted in {@link #threads}; they must outlive the interval */
    static Start start(String threadPrefix) {
        return new Start(threadPrefix);
    }

    static CpuShares until(Start start) {
        double capacity = (System.nanoTime() - start.nanos) * (double) Runtime.getRuntime().availableProcessors();
        long[] ticks = machineTicks();
        OptionalDouble machine = ticks.length == 0 || start.machineTicks.length == 0 ? OptionalDouble.empty()
                : OptionalDouble.of(busyShare(start.machineTicks, ticks));
        OptionalLong compiler = compilerTicks();
        OptionalDouble jit = compiler.isEmpty() || start.compilerTicks.isEmpty() ? OptionalDouble.empty()
                : OptionalDouble.of((compiler.getAsLong() - start.compilerTicks.getAsLong()) / TICKS_PER_SECOND
                        * 1e9 / capacity);
        return new CpuShares(machine, (processCpuNanos() - start.processCpu) / capacity,
                (threadCpuNanos(start.threadPrefix) - start.threadsCpu) / capacity, jit);
    }

    String describe(String threadsName) {
        return String.format(Locale.ROOT, "machine busy %s, this JVM %.0f%%, of which %s %.0f%% and the JIT "
                        + "compiler %s", percent(machine), 100 * process, threadsName, 100 * threads, percent(jit));
    }

    private static String percent(OptionalDouble share) {
        return share.isPresent() ? String.format(Locale.ROOT, "%.0f%%", 100 * share.getAsDouble()) : "n/a";
    }

    /** /proc/stat's first line: user nice system idle iowait irq softirq steal ...; empty when unreadable. */
    private static long[] machineTicks() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            return Arrays.stream(first.trim().split("\\s+")).skip(1).mapToLong(Long::parseLong).toArray();
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    private static double busyShare(long[] before, long[] after) {
        long total = 0;
        long idle = 0;
        for (int i = 0; i < Math.min(8, Math.min(before.length, after.length)); i++) {
            long delta = after[i] - before[i];
            total += delta;
            if (i == 3 || i == 4) {
                idle += delta;
            }
        }
        return total == 0 ? 0 : (double) (total - idle) / total;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long threadCpuNanos(String prefix) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())) // names only, no stacks
                .filter(info -> info != null && info.getThreadName().startsWith(prefix))
                .mapToLong(info -> Math.max(0, threads.getThreadCpuTime(info.getThreadId())))
                .sum();
    }

    /**
     * User and system ticks of this process's live compiler threads ("C1 CompilerThre", "C2 CompilerThre", as
     * Linux cuts their names); a compiler thread that ends within the interval takes its ticks with it.
     */
    private static OptionalLong compilerTicks() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            long sum = 0;
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    // after the name: state is field 3, utime and stime fields 14 and 15
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
            return OptionalLong.of(sum);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
