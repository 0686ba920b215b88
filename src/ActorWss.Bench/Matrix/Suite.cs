using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

/// <summary>The idle-memory part of a suite: these modes, this many idle connections each.</summary>
public sealed record IdleSpec(IReadOnlyList<string> Modes, int Connections);

/// <summary>The fan-out part of a suite: these modes, these subscriber counts.</summary>
public sealed record FanoutSpec(IReadOnlyList<string> Modes, IReadOnlyList<int> Subscribers, int Window, int MessageSize);

/// <summary>A named, separately runnable part of the matrix: echo tables, and/or idle memory, and/or fan-out.</summary>
public sealed record Suite(string Name, string Title, string Description, IReadOnlyList<TableSpec> Tables, IdleSpec? Idle = null,
    FanoutSpec? Fanout = null)
{
    /// <summary>Every mode the suite runs, in order of first appearance.</summary>
    public IReadOnlyList<string> Modes =>
        Tables.SelectMany(t => t.Modes)
            .Concat(Idle?.Modes ?? [])
            .Concat(Fanout?.Modes ?? [])
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The distinct echo cells of one mode, in table order (a cell two tables share is measured once).</summary>
    public IReadOnlyList<CellSpec> CellsOf(string mode) =>
        Tables.Where(t => t.Modes.Contains(mode)).SelectMany(t => t.Cells).Distinct().ToArray();
}
