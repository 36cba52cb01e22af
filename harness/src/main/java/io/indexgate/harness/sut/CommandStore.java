package io.indexgate.harness.sut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.indexgate.harness.history.Histories;
import io.indexgate.harness.workload.ChildExit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A store in any language, as a process that speaks the workload protocol: one JSON object per line on its standard
 * input (a request), one per line on its standard output (the response), in order; its logs go to standard error.
 * The README's "Gating your own store" specifies the protocol; {@code indexgate conform} checks a program against it.
 *
 * <p>The process is started on {@link #open} with {@code sh -c <command>} in this process's environment (so the
 * preloaded file-system library, when the harness puts this process under it, is in the store's process too, and
 * the power-loss model and the crash points below the JVM reach its files). A line the process prints that starts
 * with {@code @@IG } is a harness event (the library's report of a fault it injected) and is passed on to this
 * process's standard output. If the process dies while a request is outstanding (a crash the library injected, or a
 * bug), then under the harness ({@code crashWithStore}) this process halts at once as a crashed one does, exit status
 * {@link ChildExit#HALTED}: the operation in flight was never answered. Not thread-safe.
 */
public final class CommandStore implements SystemUnderTest {

    private static final String EVENT_PREFIX = "@@IG ";

    private final String command;
    private final boolean crashWithStore;
    private final PrintStream events;
    private Process process;
    private PrintStream requests;
    private BufferedReader responses;

    /** A store under the harness: its death is this process's crash; its events go to standard output. */
    public CommandStore(String command) {
        this(command, true, System.out);
    }

    /**
     * @param command        the command line, run with {@code sh -c}
     * @param crashWithStore whether this process halts when the store's process dies during a request (else the
     *                       request throws)
     * @param events         where the store's {@code @@IG} lines go
     */
    public CommandStore(String command, boolean crashWithStore, PrintStream events) {
        this.command = command;
        this.crashWithStore = crashWithStore;
        this.events = events;
    }

    /** A request with the given fields, as alternating names and values. */
    private static ObjectNode request(String op, Object... fields) {
        ObjectNode request = Histories.json().createObjectNode().put("op", op);
        for (int i = 0; i < fields.length; i += 2) {
            request.set((String) fields[i], Histories.json().valueToTree(fields[i + 1]));
        }
        return request;
    }

    private void start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command);
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        process = builder.start();
        requests = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        responses = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The store's process, while it runs (for tests and for reaping). */
    public Process process() {
        return process;
    }

    /**
     * Sends one request and returns its response.
     *
     * @throws ProtocolException if the response is malformed or says {@code "ok": false}
     * @throws IOException       if the process is gone (and this process is not under the harness)
     */
    JsonNode call(ObjectNode request) throws IOException {
        if (process == null) {
            start();
        }
        requests.println(Histories.json().writeValueAsString(request));
        requests.flush();
        String line;
        while ((line = responses.readLine()) != null) {
            if (line.startsWith(EVENT_PREFIX)) {
                events.println(line);
                events.flush();
                continue;
            }
            JsonNode response;
            try {
                response = Histories.json().readTree(line);
            } catch (IOException e) {
                throw new ProtocolException("the store answered '" + request.get("op").asText() + "' with a line "
                        + "that is not JSON: " + line);
            }
            if (response == null || !response.isObject() || !response.has("ok")
                    || !response.get("ok").isBoolean()) {
                throw new ProtocolException("the store answered '" + request.get("op").asText() + "' without a "
                        + "boolean \"ok\": " + line);
            }
            if (!response.get("ok").asBoolean()) {
                throw new ProtocolException(request.get("op").asText() + " failed in the store: "
                        + response.path("error").asText("(no error given)"), response.path("refusal").asText(null));
            }
            return response;
        }
        if (crashWithStore) {
            // The store's process died with the request outstanding: so does this one, as a crash.
            System.out.flush();
            Runtime.getRuntime().halt(ChildExit.HALTED.status());
        }
        throw new IOException("the store's process ended during '" + request.get("op").asText() + "'");
    }

    @Override
    public void open(OpenSpec spec) throws IOException {
        call(request("open", "dataDir", spec.dataDirectory().toAbsolutePath().toString(), "dimensions",
                spec.dimensions()));
    }

    @Override
    public boolean isOwnerRefusal(Exception failure) {
        return failure instanceof ProtocolException protocol && "owner".equals(protocol.refusal());
    }

    @Override
    public boolean isIndexRefusal(Exception failure) {
        return failure instanceof ProtocolException protocol && "index".equals(protocol.refusal());
    }

    @Override
    public String persistedFingerprint(OpenSpec spec) {
        try {
            return call(request("persisted", "dataDir", spec.dataDirectory().toAbsolutePath().toString(),
                    "dimensions", spec.dimensions())).path("fingerprint").asText();
        } catch (IOException e) {
            return io.indexgate.harness.history.RecoveryReport.UNREADABLE + ": the store could not say: " + e;
        }
    }

    @Override
    public List<String> staleTemps(OpenSpec spec) {
        try {
            List<String> temps = new ArrayList<>();
            call(request("persisted", "dataDir", spec.dataDirectory().toAbsolutePath().toString(), "dimensions",
                    spec.dimensions())).path("temps").forEach(name -> temps.add(name.asText()));
            return temps;
        } catch (IOException e) {
            return List.of("cannot list: " + e);
        }
    }

    @Override
    public String liveFingerprint() throws IOException {
        return text(call(request("fingerprint")), "fingerprint");
    }

    @Override
    public Map<UUID, float[]> records() throws IOException {
        return vectors(call(request("records")), "records");
    }

    @Override
    public Consistency consistency() throws Exception {
        return Consistency.of(records(), vectors(call(request("index")), "index"), this::query);
    }

    @Override
    public void upsert(List<UUID> uuids, List<float[]> vectors) throws IOException {
        call(request("upsert", "ids", uuids.stream().map(UUID::toString).toList(), "vectors", vectors));
    }

    @Override
    public void delete(Collection<UUID> uuids) throws IOException {
        call(request("delete", "ids", uuids.stream().map(UUID::toString).toList()));
    }

    @Override
    public List<UUID> query(float[] vector, int k) throws IOException {
        JsonNode ids = call(request("query", "vector", vector, "k", k)).path("ids");
        if (!ids.isArray()) {
            throw new ProtocolException("the store answered 'query' without an \"ids\" array");
        }
        List<UUID> found = new ArrayList<>();
        for (JsonNode id : ids) {
            found.add(uuid(id.asText(), "query"));
        }
        return found;
    }

    @Override
    public void save() throws IOException {
        call(request("save"));
    }

    @Override
    public void close() throws IOException {
        call(request("close"));
        awaitExit();
    }

    @Override
    public void abandon() {
        if (process == null) {
            return;
        }
        // The end of its input: the store stops without saving, as a crash would leave it.
        requests.close();
        try {
            awaitExit();
        } catch (IOException e) {
            process.destroyForcibly();
        }
        process = null;
    }

    private void awaitExit() throws IOException {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("the store's process did not exit within 30 s of its last request");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while the store's process exited", e);
        } finally {
            closeQuietly(process.getOutputStream());
        }
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // the process is gone; nothing is lost
        }
    }

    private static String text(JsonNode response, String field) throws ProtocolException {
        JsonNode value = response.get(field);
        if (value == null || !value.isTextual()) {
            throw new ProtocolException("the response has no text \"" + field + "\": " + response);
        }
        return value.asText();
    }

    /** A response's object of id to vector. */
    private static Map<UUID, float[]> vectors(JsonNode response, String field) throws ProtocolException {
        JsonNode object = response.get(field);
        if (object == null || !object.isObject()) {
            throw new ProtocolException("the response has no object \"" + field + "\" of id to vector: " + response);
        }
        Map<UUID, float[]> vectors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = object.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            JsonNode array = entry.getValue();
            if (!array.isArray()) {
                throw new ProtocolException("\"" + field + "\"." + entry.getKey() + " is not an array of numbers");
            }
            float[] vector = new float[array.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) array.get(i).asDouble();
            }
            vectors.put(uuid(entry.getKey(), field), vector);
        }
        return vectors;
    }

    private static UUID uuid(String text, String where) throws ProtocolException {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("\"" + text + "\" in the answer to '" + where + "' is not a UUID");
        }
    }

    /** A response the protocol does not allow, or a request the store refused ({@code "ok": false}). */
    public static final class ProtocolException extends IOException {
        private final String refusal;

        ProtocolException(String message) {
            this(message, null);
        }

        ProtocolException(String message, String refusal) {
            super(message);
            this.refusal = refusal;
        }

        /** {@code owner} or {@code index} if the store refused an open for that reason, else null. */
        public String refusal() {
            return refusal;
        }
    }
}
