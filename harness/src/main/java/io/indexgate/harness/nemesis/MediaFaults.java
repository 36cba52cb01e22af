package io.indexgate.harness.nemesis;

import io.indexgate.harness.history.Event;
import io.indexgate.persist.StaleTemps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Damage to a file at rest, done by the parent between two child processes, as a disk or its firmware could: one
 * flipped bit, a zeroed range, or a truncation, at a seeded position. The file is the collection's index or one of
 * its stale temps, on the real disk or on the power-loss simulation (where the damage is forced, so it is what the
 * platter holds). Nothing here goes through the reference's own I/O code.
 */
public final class MediaFaults {

    /** The longest zeroed range. */
    static final int MAX_ZEROED = 256;

    private MediaFaults() {
    }

    /**
     * Damages the file that {@code damage} names ({@code index:bitflip}, {@code temp:zero}, {@code index:truncate}
     * ...) next to {@code indexPath}.
     *
     * @return what was done, as an event of the cycle given; null if there was no such file or no damage would
     *         change it (a range of zeros to zero)
     * @throws IllegalArgumentException if {@code damage} is not of that form
     */
    public static Event.Rot damage(Path indexPath, String damage, SplittableRandom random, int cycle)
            throws IOException {
        String[] parts = damage.split(":", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("a damage is <index|temp>:<bitflip|zero|truncate>, got " + damage);
        }
        Path file;
        Event.RotTarget target;
        switch (parts[0]) {
            case "index" -> {
                file = Files.exists(indexPath) ? indexPath : null;
                target = Event.RotTarget.INDEX;
            }
            case "temp" -> {
                List<Path> temps = StaleTemps.find(indexPath);
                file = temps.stream().min(Comparator.comparing(Path::toString)).orElse(null);
                target = Event.RotTarget.TEMP;
            }
            default -> throw new IllegalArgumentException("a damage names the index or a temp, not " + parts[0]);
        }
        if (file == null) {
            return null;
        }
        String what = switch (parts[1]) {
            case "bitflip" -> flipBit(file, random);
            case "zero" -> zeroRange(file, random);
            case "truncate" -> truncate(file, random);
            default -> throw new IllegalArgumentException("a damage is bitflip, zero or truncate, not " + parts[1]);
        };
        return what == null ? null : new Event.Rot(cycle, target, file + ": " + what, null);
    }

    private static String flipBit(Path file, SplittableRandom random) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size == 0) {
                return null;
            }
            long offset = random.nextLong(size);
            int bit = random.nextInt(8);
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ (1 << bit))).rewind();
            channel.write(one, offset);
            channel.force(true);
            return "bit " + bit + " of byte " + offset + " of " + size + " flipped";
        }
    }

    private static String zeroRange(Path file, SplittableRandom random) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size == 0) {
                return null;
            }
            int length = 1 + random.nextInt((int) Math.min(MAX_ZEROED, size));
            // Draw ranges until one holds a byte that is not zero already: zeroing zeros damages nothing.
            for (int attempt = 0; attempt < 64; attempt++) {
                long offset = random.nextLong(size - length + 1);
                ByteBuffer range = ByteBuffer.allocate(length);
                channel.read(range, offset);
                boolean allZero = true;
                for (int i = 0; i < length && allZero; i++) {
                    allZero = range.get(i) == 0;
                }
                if (!allZero) {
                    channel.write(ByteBuffer.allocate(length), offset);
                    channel.force(true);
                    return length + " bytes zeroed at " + offset + " of " + size;
                }
            }
            return null;
        }
    }

    private static String truncate(Path file, SplittableRandom random) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size == 0) {
                return null;
            }
            long length = random.nextLong(size);
            channel.truncate(length);
            channel.force(true);
            return "truncated from " + size + " to " + length + " bytes";
        }
    }
}
