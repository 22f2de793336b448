using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Sim.Scenarios.Reports;

/// <summary>
/// A per-world results table written as the run goes: NAME.jsonl gets one JSON object per row, flushed
/// at once (an interrupted run keeps every finished world), and NAME.parquet gets a row group every
/// <see cref="RowGroupSize"/> rows and the rest on <see cref="Dispose"/> (the Parquet file is complete
/// once the writer is disposed, also after Ctrl-C). Both load straight into DuckDB or pandas:
/// <c>SELECT * FROM 'results/latest/worlds.parquet'</c>, <c>pandas.read_json(path, lines=True)</c>.
/// </summary>
public sealed class RowFile : IDisposable
{
    public const int RowGroupSize = 1000;

    private readonly object _gate = new();
    private readonly IReadOnlyList<RowColumn> _columns;
    private readonly StreamWriter _jsonl;
    private readonly FileStream _parquetStream;
    private readonly ParquetWriter _parquet;
    private readonly DataField[] _fields;
    private readonly List<object?[]> _pending = [];
    private bool _disposed;

    private RowFile(string directory, string name, IReadOnlyList<RowColumn> columns)
    {
        _columns = columns;
        JsonLinesPath = Path.Combine(directory, name + ".jsonl");
        ParquetPath = Path.Combine(directory, name + ".parquet");
        _jsonl = new StreamWriter(JsonLinesPath, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        _fields = columns.Select(Field).ToArray();
        _parquetStream = new FileStream(ParquetPath, FileMode.Create, FileAccess.ReadWrite);
        _parquet = ParquetWriter.CreateAsync(new ParquetSchema(_fields), _parquetStream).GetAwaiter().GetResult();
    }

    public string JsonLinesPath { get; }
    public string ParquetPath { get; }
    public int Count { get; private set; }

    /// <summary>Creates DIR/NAME.jsonl and DIR/NAME.parquet with these columns (names unique).</summary>
    public static RowFile Create(string directory, string name, IReadOnlyList<RowColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0 || columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != columns.Count)
            throw new ArgumentException("give at least one column, each name once", nameof(columns));
        return new RowFile(directory, name, columns);
    }

    /// <summary>Appends one row: one value per column, in column order (thread-safe).</summary>
    public void Append(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != _columns.Count) throw new ArgumentException($"a row has {_columns.Count} values, got {values.Length}", nameof(values));
        var row = new object?[values.Length];
        for (int i = 0; i < values.Length; i++) row[i] = _columns[i].Coerce(values[i]);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _jsonl.Write(JsonLine(row));
            _jsonl.Write('\n');
            _jsonl.Flush();
            _pending.Add(row);
            Count++;
            if (_pending.Count >= RowGroupSize) WriteRowGroup();
        }
    }

    private string JsonLine(object?[] row)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            for (int i = 0; i < row.Length; i++)
            {
                w.WritePropertyName(_columns[i].Name);
                switch (row[i])
                {
                    case null: w.WriteNullValue(); break;
                    case string s: w.WriteStringValue(s); break;
                    case long l: w.WriteNumberValue(l); break;
                    case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
                    case double: w.WriteNullValue(); break;
                    case bool b: w.WriteBooleanValue(b); break;
                }
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static DataField Field(RowColumn c) => c.Kind switch
    {
        ColumnKind.Text => new DataField<string>(c.Name, true),
        ColumnKind.Integer => new DataField<long?>(c.Name),
        ColumnKind.Real => new DataField<double?>(c.Name),
        ColumnKind.Boolean => new DataField<bool?>(c.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(c), c.Kind, "unknown column kind"),
    };

    private void WriteRowGroup()
    {
        if (_pending.Count == 0) return;
        using (var group = _parquet.CreateRowGroup())
        {
            for (int i = 0; i < _fields.Length; i++)
            {
                int col = i;
                switch (_columns[i].Kind)
                {
                    case ColumnKind.Text:
                        group.WriteAsync(_fields[i], _pending.Select(r => (string)r[col]!).ToArray(), null).GetAwaiter().GetResult();
                        break;
                    case ColumnKind.Integer:
                        group.WriteAsync<long>(_fields[i], _pending.Select(r => (long?)r[col]).ToArray(), null).GetAwaiter().GetResult();
                        break;
                    case ColumnKind.Real:
                        group.WriteAsync<double>(_fields[i], _pending.Select(r => (double?)r[col]).ToArray(), null).GetAwaiter().GetResult();
                        break;
                    case ColumnKind.Boolean:
                        group.WriteAsync<bool>(_fields[i], _pending.Select(r => (bool?)r[col]).ToArray(), null).GetAwaiter().GetResult();
                        break;
                }
            }
        }
        _pending.Clear();
    }

    /// <summary>Writes the last row group and the Parquet footer, and closes both files.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            WriteRowGroup();
            _parquet.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _parquetStream.Dispose();
            _jsonl.Dispose();
        }
    }
}
