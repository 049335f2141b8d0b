package dev.jmdm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints answers as a table (for people), JSON (the server's own answer, for jq and scripts) or CSV (RFC 4180,
 * for spreadsheets). Rows are JSON objects; a column names a field, dots reaching into nested objects.
 */
public final class Output {
    /** The formats {@code --output} takes. */
    public enum Format { table, json, csv }

    /** A column: its header and the field it shows ({@code inventory.os_version}). */
    public record Column(String header, String field) {
        public static Column of(String field) {
            return new Column(field, field);
        }
    }

    private final PrintWriter out;
    private final Format format;

    public Output(PrintWriter out, Format format) {
        this.out = out;
        this.format = format;
    }

    public Format format() {
        return format;
    }

    /** Columns named by their fields. */
    public static List<Column> columns(String... fields) {
        List<Column> cs = new ArrayList<>();
        for (String f : fields) {
            cs.add(Column.of(f));
        }
        return cs;
    }

    /** A list: {@code json} prints the array as the server gave it. */
    public void list(JsonNode rows, List<Column> columns) {
        List<JsonNode> items = new ArrayList<>();
        if (rows != null && rows.isArray()) {
            rows.forEach(items::add);
        }
        switch (format) {
            case json -> json(rows);
            case csv -> csv(items, columns);
            case table -> table(items, columns);
        }
        out.flush();
    }

    /** One object: {@code table} prints it as field/value lines, {@code csv} as a header and one row. */
    public void object(JsonNode row, List<Column> columns) {
        switch (format) {
            case json -> json(row);
            case csv -> csv(List.of(row), columns);
            case table -> {
                int width = columns.stream().mapToInt(c -> c.header().length()).max().orElse(0);
                for (Column c : columns) {
                    out.println(pad(c.header(), width) + "  " + cell(row, c.field()));
                }
            }
        }
        out.flush();
    }

    public void json(JsonNode node) {
        try {
            out.println(ApiClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private void table(List<JsonNode> rows, List<Column> columns) {
        int[] widths = new int[columns.size()];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).header().length();
        }
        for (JsonNode r : rows) {
            String[] line = new String[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                line[i] = cell(r, columns.get(i).field()).replace('\n', ' ');
                widths[i] = Math.max(widths[i], line[i].length());
            }
            cells.add(line);
        }
        String[] header = columns.stream().map(c -> c.header().toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new);
        out.println(row(header, widths));
        for (String[] line : cells) {
            out.println(row(line, widths));
        }
    }

    private void csv(List<JsonNode> rows, List<Column> columns) {
        out.print(String.join(",", columns.stream().map(c -> csvCell(c.header())).toList()) + "\r\n");
        for (JsonNode r : rows) {
            out.print(String.join(",", columns.stream().map(c -> csvCell(cell(r, c.field()))).toList()) + "\r\n");
        }
    }

    private static String row(String[] cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == cells.length - 1 ? cells[i] : pad(cells[i], widths[i]) + "  ");
        }
        return sb.toString().stripTrailing();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
    static String csvCell(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** A field's text: dots go into objects, arrays join with commas, objects print as JSON, null is empty. */
    static String cell(JsonNode row, String field) {
        JsonNode n = row;
        for (String part : field.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "";
        }
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(e -> parts.add(e.isValueNode() ? e.asText() : e.toString()));
            return String.join(",", parts);
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }
}
