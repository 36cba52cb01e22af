package io.indexgate.harness.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of event survives the protocol and the history file; a line of an unknown kind is an error. */
class EventsTest {

    @TempDir
    Path directory;

    private static final RecoveryReport REPORT = new RecoveryReport(true, null, "3:abc", Map.of("u1", "d1"),
            List.of(), List.of(), List.of(), List.of());

    static List<Event> everyKind() {
        return List.of(
                Event.invoke(0, 7, Event.Function.UPSERT, List.of(new Event.Write("u1", "d1")), null),
                Event.invoke(0, 8, Event.Function.SAVE, null, "3:abc"),
                Event.ok(0, 7), Event.fail(0, 8, "java.io.IOException: EIO"),
                new Event.Fault(0, "halt: before the move", null), Event.recovered(1, REPORT),
                new Event.CrashState(1, "2/3 (1 of 2 pending directory operations)", REPORT, null),
                new Event.Start(1, "strike at 2", null), new Event.Kill(1, "SIGKILL after 40 ms", null),
                new Event.Exit(1, 137, null), new Event.Intrusion(1, true, "in use by PID 1", null),
                new Event.Rot(1, Event.RotTarget.INDEX, "x.index: bit 3 flipped", null),
                new Event.Probe(1, Event.ProbeFinding.DIFFERS, "[1 missing]", null),
                new Event.Probe(1, Event.ProbeFinding.TEMPS_LEFT, "it left [x.tmp] behind", null),
                new Event.Settled(1, "1/1", null), new Event.Trace(0, "io.x.Y.m", "java.nio.file.Files.move", null));
    }

    @Test
    void everyKindRoundTripsAndIsStampedWithoutLosingAField() throws IOException {
        List<Event> events = everyKind();
        assertEquals(Event.class.getPermittedSubclasses().length,
                events.stream().map(Object::getClass).distinct().count(), "every kind is listed here");
        for (Event event : events) {
            assertEquals(event, Histories.fromProtocolLine(Histories.toProtocolLine(event)));
            Event stamped = event.inCycle(5).at(1234);
            assertEquals(5, stamped.cycle());
            assertEquals(1234L, stamped.timeMillis());
            assertNull(event.timeMillis(), "the original is unchanged");
            assertEquals(event, stamped.inCycle(event.cycle()).stamped(event.cycle(), null),
                    "only the cycle and the time changed");
            assertTrue(Histories.toJson(event).contains("\"type\":\"" + event.type() + "\""));
        }
        Path file = directory.resolve("history.jsonl");
        Histories.write(file, events);
        assertEquals(events, Histories.read(file));
    }

    @Test
    void aLineOfAnUnknownKindIsAnErrorNotAnIgnoredEvent() throws IOException {
        assertThrows(JsonProcessingException.class,
                () -> Histories.fromProtocolLine(Histories.PREFIX + "{\"type\":\"teleport\",\"cycle\":0}"));
        Path file = Files.writeString(directory.resolve("bad.jsonl"), "{\"type\":\"teleport\",\"cycle\":0}\n");
        IOException error = assertThrows(IOException.class, () -> Histories.read(file));
        assertTrue(error.getMessage().contains("line 1"), error.getMessage());
        assertThrows(JsonProcessingException.class, () -> Histories.fromProtocolLine(Histories.PREFIX
                + "{\"type\":\"invoke\",\"cycle\":0,\"op\":1,\"function\":\"frobnicate\"}"), "an unknown operation");
    }
}
