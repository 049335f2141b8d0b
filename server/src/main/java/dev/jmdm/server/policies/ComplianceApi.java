package dev.jmdm.server.policies;

import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** GET /v1/compliance (every host × policy, JSON or CSV) and GET /v1/compliance/summary. */
final class ComplianceApi {
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;
    static final String CSV_HEADER = "host_id,serial_number,device_name,policy,result,since,reason";

    private final Reports reports;
    private final PolicyStore store;

    ComplianceApi(Reports reports, PolicyStore store) {
        this.reports = reports;
        this.store = store;
    }

    void register(ApiRouter r) {
        r.get("/v1/compliance", this::compliance);
        r.get("/v1/compliance/summary", this::summary);
    }

    private void compliance(HttpServerExchange ex) throws Exception {
        String format = Requests.query(ex, "format");
        if (format == null || format.equals("json")) {
            int limit = Requests.intQuery(ex, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
            Cursor c = Cursor.parse(Requests.query(ex, "cursor"));
            List<Views.HostResult> page = reports.compliancePage(c.hostId(), c.policy(), limit);
            Views.HostResult last = page.isEmpty() ? null : page.get(page.size() - 1);
            Json.send(ex, 200, new Views.Results(page, null, page.size() == limit ? last.hostId() + ":" + last.policy() : null));
            return;
        }
        if (!format.equals("csv")) {
            throw new HttpError(400, "format must be json or csv");
        }
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/csv; charset=utf-8");
        ex.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"compliance.csv\"");
        ex.startBlocking();
        try (Writer w = new BufferedWriter(new OutputStreamWriter(ex.getOutputStream(), StandardCharsets.UTF_8))) {
            w.write(CSV_HEADER + "\r\n");
            reports.compliance(r -> {
                try {
                    w.write(r.hostId() + "," + cell(r.serialNumber()) + "," + cell(r.deviceName()) + "," + cell(r.policy()) + ","
                            + r.result() + "," + r.since() + "," + cell(r.reason()) + "\r\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /** Where a JSON page starts: after this host's row for this policy ("host_id:policy", a page's next_cursor). */
    record Cursor(long hostId, String policy) {
        static Cursor parse(String s) {
            if (s == null || s.isEmpty()) {
                return new Cursor(0, "");
            }
            int colon = s.indexOf(':');
            try {
                if (colon > 0) {
                    return new Cursor(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1));
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new HttpError(400, "cursor must be a next_cursor from a previous page");
        }
    }

    /**
     * One CSV cell (RFC 4180). Device names come from devices: a cell that a spreadsheet would read as
     * a formula (=, +, -, @, tab, carriage return first) is prefixed with an apostrophe.
     */
    static String cell(String s) {
        if (s == null) {
            return "";
        }
        String v = !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

    private void summary(HttpServerExchange ex) {
        reports.recordHour();
        Map<String, Views.Counts> counts = reports.counts();
        List<Views.PolicySummary> policies = new ArrayList<>();
        for (StoredPolicy p : store.all()) {
            policies.add(Views.PolicySummary.of(p.name(), counts.getOrDefault(p.name(), Views.Counts.NONE)));
        }
        Json.send(ex, 200, new Views.Summary(Views.PolicySummary.of(Reports.OVERALL, reports.overall()), policies, reports.history()));
    }
}
