package io.indexgate.harness.powerloss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.persist.AtomicIndexWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reordering power-loss model: the crash states of a cut are the durable state plus a prefix of the pending
 * directory operations and, independently, a choice among the pending writes of every reachable file.
 */
class CrashStatesTest {

    @TempDir
    Path work;

    private Path durable() {
        return work.resolve("durable");
    }

    /** {@code /indexes} with {@code x.index} holding {@code old}, all forced. */
    private PowerLossFileSystem withDurableIndex(byte[] old) throws IOException {
        PowerLossFileSystem fileSystem = PowerLossFileSystem.open(durable(), PowerLossModel.REORDER);
        Path directory = Files.createDirectories(fileSystem.getPath("/indexes"));
        AtomicIndexWriter.forceDirectory(directory.getParent());
        AtomicIndexWriter.write(directory.resolve("x.index"), List.of(ByteBuffer.wrap(old)));
        return fileSystem;
    }

    /** Every crash state of the cut, as what {@code /indexes/x.index} reads in it (null: absent). */
    private List<byte[]> indexInEveryState(CrashStates.Exploration exploration) throws IOException {
        List<byte[]> found = new ArrayList<>();
        for (CrashStates.CrashState state : exploration.states()) {
            Path copy = work.resolve("state-" + state.number());
            CrashStates.writeTo(state, durable(), copy);
            try (PowerLossFileSystem after = PowerLossFileSystem.open(copy)) {
                found.add(Files.readAllBytes(after.getPath("/indexes/x.index")));
            } catch (NoSuchFileException e) {
                found.add(null);
            }
        }
        return found;
    }

    private static Set<String> distinct(List<byte[]> contents) {
        Set<String> set = new HashSet<>();
        contents.forEach(content -> set.add(content == null ? "absent" : Arrays.toString(content)));
        return set;
    }

    @Test
    void aCompletedAtomicSaveLeavesNothingPending() throws IOException {
        PowerLossFileSystem fileSystem = withDurableIndex(new byte[] {1, 2, 3});
        fileSystem.close();
        CrashStates.Exploration exploration = CrashStates.enumerate(durable(), 32);
        assertEquals(0, exploration.pending(), exploration.summary());
        assertEquals(1, exploration.states().size());
    }

    @Test
    void aRenameMayReachTheDiskBeforeTheDataItNames() throws IOException {
        byte[] old = {1, 2, 3};
        byte[] fresh = {9, 9, 9, 9};
        PowerLossFileSystem fileSystem = withDurableIndex(old);
        Path temp = fileSystem.getPath("/indexes/x.index.0123456789abcdef.tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(fresh));
        }
        Files.move(temp, fileSystem.getPath("/indexes/x.index"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fileSystem.close();

        CrashStates.Exploration exploration = CrashStates.enumerate(durable(), 32);
        List<byte[]> index = indexInEveryState(exploration);
        // The pessimistic state first: nothing unforced persisted.
        assertArrayEquals(old, index.get(0));
        // The rename without its data: an empty file under the target name. And with it: the new bytes.
        assertEquals(Set.of(Arrays.toString(old), Arrays.toString(new byte[0]), Arrays.toString(fresh)),
                distinct(index), exploration.summary());
        assertEquals(3, exploration.pending());
        assertFalse(exploration.capped());
    }

    @Test
    void writesPersistInPrefixesTornOrWithOneMissingAndDuplicatesAreOneState() throws IOException {
        PowerLossFileSystem fileSystem = withDurableIndex(new byte[0]);
        Path index = fileSystem.getPath("/indexes/x.index");
        byte[] first = new byte[2 * CrashStates.PAGE];
        Arrays.fill(first, (byte) 1);
        byte[] second = {2, 2};
        try (FileChannel channel = FileChannel.open(index, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(first));
            channel.write(ByteBuffer.wrap(second));
        }
        fileSystem.close();

        CrashStates.Exploration exploration = CrashStates.enumerate(durable(), 32);
        Set<String> states = distinct(indexInEveryState(exploration));
        byte[] torn = Arrays.copyOf(first, CrashStates.PAGE);
        byte[] all = Arrays.copyOf(first, first.length + 2);
        all[first.length] = 2;
        all[first.length + 1] = 2;
        byte[] secondOnly = new byte[first.length + 2];
        secondOnly[first.length] = 2;
        secondOnly[first.length + 1] = 2;
        assertEquals(Set.of(Arrays.toString(new byte[0]), Arrays.toString(first), Arrays.toString(torn),
                Arrays.toString(all), Arrays.toString(secondOnly)), states, exploration.summary());
        assertEquals(states.size(), exploration.states().size(), "states are distinct");
    }

    @Test
    void theLimitCapsTheEnumerationAndSaysSo() throws IOException {
        PowerLossFileSystem fileSystem = withDurableIndex(new byte[0]);
        try (FileChannel channel = FileChannel.open(fileSystem.getPath("/indexes/x.index"),
                StandardOpenOption.WRITE)) {
            for (int i = 0; i < 6; i++) {
                channel.write(ByteBuffer.wrap(new byte[] {(byte) i}));
            }
        }
        fileSystem.close();
        CrashStates.Exploration exploration = CrashStates.enumerate(durable(), 3);
        assertEquals(3, exploration.states().size());
        assertTrue(exploration.capped(), exploration.summary());
        assertThrows(IllegalArgumentException.class, () -> CrashStates.enumerate(durable(), 0));
    }

    @Test
    void aForceDropsWhatItMadeDurableFromTheJournal() throws IOException {
        PowerLossFileSystem fileSystem = withDurableIndex(new byte[] {1});
        Path file = fileSystem.getPath("/indexes/y");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {7}));
            channel.force(true);
        }
        assertEquals(1, CrashStates.enumerate(durable(), 32).pending(), "the create is still pending");
        AtomicIndexWriter.forceDirectory(file.getParent());
        assertEquals(0, CrashStates.enumerate(durable(), 32).pending());
        fileSystem.close();
    }

    @Test
    void installingAStateMakesItTheDurableStateAndClearsTheJournal() throws IOException {
        PowerLossFileSystem fileSystem = withDurableIndex(new byte[] {1, 2, 3});
        Path temp = fileSystem.getPath("/indexes/x.index.0123456789abcdef.tmp");
        Files.write(temp, new byte[] {4, 5});
        Files.move(temp, fileSystem.getPath("/indexes/x.index"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fileSystem.close();
        CrashStates.Exploration exploration = CrashStates.enumerate(durable(), 32);
        CrashStates.CrashState last = exploration.states().get(exploration.states().size() - 1);
        CrashStates.install(last, durable());
        assertEquals(0, CrashStates.enumerate(durable(), 32).pending());
        try (PowerLossFileSystem after = PowerLossFileSystem.open(durable())) {
            assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(after.getPath("/indexes/x.index")));
        }
        assertFalse(Files.exists(work.resolve("durable.next")));
        assertFalse(Files.exists(work.resolve("durable.old")));
    }

    @Test
    void anInstallInterruptedBetweenItsTwoRenamesIsFinished() throws IOException {
        withDurableIndex(new byte[] {1}).close();
        Files.move(durable(), work.resolve("durable.next"));
        CrashStates.enumerate(durable(), 32);
        assertTrue(Files.exists(durable().resolve("directories.json")));
        assertFalse(Files.exists(work.resolve("durable.next")));
    }
}
