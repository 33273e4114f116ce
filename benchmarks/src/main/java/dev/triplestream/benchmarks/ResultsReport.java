package dev.triplestream.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@link Results}: a table for people, JSON and CSV for tools. */
final class ResultsReport {

	private static final String[] HEADER = { "scenario", "case", "metric", "raw", "starter", "starter/raw",
			"ratio spread", "A/A control", "target", "met", "note" };

	/** The columns of the CSV file. */
	static final String CSV_HEADER = "scenario,case,metric,unit,raw,starter,ratio,ratio_q1,ratio_q3,ratio_min,ratio_max,"
			+ "pairs,control_ratio,target,met,verdict,note";

	private final Results results;

	ResultsReport(Results results) {
		this.results = results;
	}

	/** The table, one line per row, followed by the environment. */
	void printTable(PrintStream out) {
		List<String[]> lines = new ArrayList<>();
		lines.add(HEADER);
		for (Results.Row row : this.results.rows()) {
			lines.add(new String[] { row.scenario(), row.subject(), row.metric() + " (" + row.unit() + ")",
					format(row.raw(), row.unit()), format(row.starter(), row.unit()), ratio(row),
					(row.ratios() != null) ? row.ratios().describe() : "", control(row),
					(row.target() != null) ? row.target().text() : "", met(row), row.note() });
		}
		int[] widths = new int[HEADER.length];
		for (String[] line : lines) {
			for (int i = 0; i < line.length - 1; i++) {
				widths[i] = Math.max(widths[i], line[i].length());
			}
		}
		StringBuilder text = new StringBuilder();
		for (int index = 0; index < lines.size(); index++) {
			String[] line = lines.get(index);
			for (int i = 0; i < line.length; i++) {
				boolean numeric = i >= 3 && i <= 5;
				String cell = (i == line.length - 1) ? line[i]
						: numeric ? pad(line[i], widths[i], true) : pad(line[i], widths[i], false);
				text.append(cell);
				if (i < line.length - 1) {
					text.append(" | ");
				}
			}
			text.append(System.lineSeparator());
			if (index == 0) {
				int total = 0;
				for (int width : widths) {
					total += width + 3;
				}
				text.append("-".repeat(total + 4)).append(System.lineSeparator());
			}
		}
		for (Map.Entry<String, String> entry : this.results.environment().entrySet()) {
			text.append(entry.getKey()).append(": ").append(entry.getValue()).append(System.lineSeparator());
		}
		out.print(text);
		out.flush();
	}

	void writeJson(Path file) throws IOException {
		StringBuilder json = new StringBuilder("{\n  \"environment\": {");
		boolean first = true;
		for (Map.Entry<String, String> entry : this.results.environment().entrySet()) {
			json.append(first ? "\n" : ",\n").append("    ").append(string(entry.getKey())).append(": ")
				.append(string(entry.getValue()));
			first = false;
		}
		json.append("\n  },\n  \"results\": [");
		first = true;
		for (Results.Row row : this.results.rows()) {
			json.append(first ? "\n" : ",\n").append("    {");
			json.append("\"scenario\": ").append(string(row.scenario()));
			json.append(", \"case\": ").append(string(row.subject()));
			json.append(", \"metric\": ").append(string(row.metric()));
			json.append(", \"unit\": ").append(string(row.unit()));
			json.append(", \"raw\": ").append(number(row.raw()));
			json.append(", \"starter\": ").append(number(row.starter()));
			json.append(", \"ratio\": ").append(number(row.ratio()));
			PairedRatios ratios = row.ratios();
			if (ratios != null) {
				json.append(", \"ratio_quartiles\": [").append(number(ratios.lowerQuartile())).append(", ")
					.append(number(ratios.upperQuartile())).append("]");
				json.append(", \"ratio_range\": [").append(number(ratios.min())).append(", ")
					.append(number(ratios.max())).append("]");
				json.append(", \"pairs\": ").append(ratios.pairs());
				json.append(", \"rounds_left_out\": ").append(ratios.skipped());
			}
			if (row.control() != null) {
				json.append(", \"control_ratio\": ").append(number(row.control().median()));
			}
			json.append(", \"target\": ").append((row.target() != null) ? string(row.target().text()) : "null");
			json.append(", \"met\": ").append(row.met());
			json.append(", \"verdict\": ").append((row.verdict() != null) ? string(row.verdict().name()) : "null");
			json.append(", \"note\": ").append(string(row.note()));
			json.append("}");
			first = false;
		}
		json.append("\n  ]\n}\n");
		write(file, json.toString());
	}

	void writeCsv(Path file) throws IOException {
		StringBuilder csv = new StringBuilder(CSV_HEADER + "\n");
		for (Results.Row row : this.results.rows()) {
			csv.append(csvCell(row.scenario())).append(',').append(csvCell(row.subject())).append(',')
				.append(csvCell(row.metric())).append(',').append(csvCell(row.unit())).append(',')
				.append(plain(row.raw())).append(',').append(plain(row.starter())).append(',')
				.append(plain(row.ratio())).append(',');
			PairedRatios ratios = row.ratios();
			if (ratios != null) {
				csv.append(plain(ratios.lowerQuartile())).append(',').append(plain(ratios.upperQuartile())).append(',')
					.append(plain(ratios.min())).append(',').append(plain(ratios.max())).append(',')
					.append(ratios.pairs()).append(',');
			}
			else {
				csv.append(",,,,,");
			}
			csv.append((row.control() != null) ? plain(row.control().median()) : "").append(',')
				.append(csvCell((row.target() != null) ? row.target().text() : "")).append(',')
				.append((row.met() != null) ? row.met() : "").append(',')
				.append((row.verdict() != null) ? row.verdict().name() : "").append(',')
				.append(csvCell(row.note())).append('\n');
		}
		write(file, csv.toString());
	}

	private static void write(Path file, String content) throws IOException {
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(file, content);
	}

	static String format(Double value, String unit) {
		if (value == null) {
			return "n/a";
		}
		double v = value;
		if (unit.equals("us") || unit.equals("ms") || unit.equals("s")) {
			return String.format(Locale.ROOT, (Math.abs(v) >= 1000) ? "%,.0f" : "%,.1f", v);
		}
		return String.format(Locale.ROOT, "%,.0f", v);
	}

	private static String ratio(Results.Row row) {
		Double ratio = row.ratio();
		return (ratio != null) ? String.format(Locale.ROOT, "%.3f", ratio) : "";
	}

	private static String control(Results.Row row) {
		return (row.control() != null) ? String.format(Locale.ROOT, "%.3f", row.control().median()) : "";
	}

	private static String met(Results.Row row) {
		Verdict verdict = row.verdict();
		return (verdict != null) ? verdict.text() : "";
	}

	private static String pad(String text, int width, boolean right) {
		String padding = " ".repeat(Math.max(0, width - text.length()));
		return right ? padding + text : text + padding;
	}

	private static String number(Double value) {
		if (value == null || value.isNaN() || value.isInfinite()) {
			return "null";
		}
		return plain(value);
	}

	private static String plain(Double value) {
		if (value == null) {
			return "";
		}
		if (value == Math.rint(value) && Math.abs(value) < 1e15) {
			return Long.toString(value.longValue());
		}
		return String.format(Locale.ROOT, "%.4f", value);
	}

	private static String csvCell(String text) {
		if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
			return "\"" + text.replace("\"", "\"\"") + "\"";
		}
		return text;
	}

	static String string(String text) {
		StringBuilder out = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.append('"').toString();
	}

}
