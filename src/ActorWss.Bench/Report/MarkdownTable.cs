using System.Text;

namespace ActorWss.Bench.Report;

/// <summary>A GitHub-flavoured Markdown table: label columns on the left, figures right-aligned after them.</summary>
internal sealed class MarkdownTable
{
    private readonly IReadOnlyList<string> _headers;
    private readonly int _labelColumns;
    private readonly List<IReadOnlyList<string>> _rows = [];

    /// <param name="headers">Column headers, left to right.</param>
    /// <param name="labelColumns">How many leading columns hold labels (left-aligned); the rest are right-aligned.</param>
    public MarkdownTable(IEnumerable<string> headers, int labelColumns = 1)
    {
        _headers = headers.ToArray();
        _labelColumns = labelColumns;
    }

    public int RowCount => _rows.Count;

    public MarkdownTable AddRow(IEnumerable<string> cells)
    {
        var row = cells.ToArray();
        if (row.Length != _headers.Count)
            throw new ArgumentException($"A row has {row.Length} cells, the table has {_headers.Count} columns.", nameof(cells));
        _rows.Add(row);
        return this;
    }

    public void AppendTo(StringBuilder md)
    {
        AppendLine(md, _headers);
        AppendLine(md, _headers.Select((_, i) => i < _labelColumns ? "---" : "---:"));
        foreach (var row in _rows)
            AppendLine(md, row);
        md.AppendLine();
    }

    private static void AppendLine(StringBuilder md, IEnumerable<string> cells) =>
        md.Append("| ").AppendJoin(" | ", cells.Select(Escape)).AppendLine(" |");

    // A pipe would end the cell and a line break would end the table; error messages can carry either.
    private static string Escape(string cell) =>
        cell.Replace("|", "\\|").Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
}
