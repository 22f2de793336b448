namespace Sim.Scenarios.Reports;

/// <summary>The type of a <see cref="RowColumn"/>: what a value may be (every column also takes null).</summary>
public enum ColumnKind
{
    /// <summary>A string (seeds are written as text: 64-bit unsigned values do not fit every reader's integers).</summary>
    Text,
    /// <summary>A 64-bit signed integer (int or long).</summary>
    Integer,
    /// <summary>A double.</summary>
    Real,
    /// <summary>A bool.</summary>
    Boolean,
}

/// <summary>One column of a per-world results table (<see cref="RowFile"/>).</summary>
public sealed record RowColumn(string Name, ColumnKind Kind)
{
    public static RowColumn Text(string name) => new(name, ColumnKind.Text);
    public static RowColumn Integer(string name) => new(name, ColumnKind.Integer);
    public static RowColumn Real(string name) => new(name, ColumnKind.Real);
    public static RowColumn Boolean(string name) => new(name, ColumnKind.Boolean);

    /// <summary>The value in the column's own type, or an <see cref="ArgumentException"/> naming the column.</summary>
    internal object? Coerce(object? value) => value switch
    {
        null => null,
        string s when Kind == ColumnKind.Text => s,
        int i when Kind == ColumnKind.Integer => (long)i,
        long l when Kind == ColumnKind.Integer => l,
        double d when Kind == ColumnKind.Real => d,
        float f when Kind == ColumnKind.Real => (double)f,
        int i when Kind == ColumnKind.Real => (double)i,
        long l when Kind == ColumnKind.Real => (double)l,
        bool b when Kind == ColumnKind.Boolean => b,
        _ => throw new ArgumentException($"column {Name} ({Kind}) cannot hold a {value.GetType().Name}"),
    };
}
