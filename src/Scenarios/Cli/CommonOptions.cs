using System.CommandLine;
using System.Globalization;

namespace Sim.Scenarios.Cli;

/// <summary>
/// Options and validation every command shares (compare and groups use them too): the results root,
/// JUnit output, and range checks that make a bad value a usage error (exit 64) at parse time, naming
/// the option and the value: never a silent clamp.
/// </summary>
public static class CommonOptions
{
    /// <summary>--results DIR: the root of the per-run results folders.</summary>
    public static Option<string> Results() => new("--results")
    {
        Description = $"Root of the results folders: each run writes DIR/<command>/<UTC time>/ (per-world rows as JSON Lines and Parquet) and points DIR/latest at it",
        HelpName = "DIR",
        DefaultValueFactory = _ => ResultsFolder.DefaultRoot,
    };

    /// <summary>--junit FILE: JUnit XML for CI.</summary>
    public static Option<string?> JUnit() => new("--junit")
    {
        Description = "Write JUnit XML to FILE (one test case per property; a failure holds the shrunk scenario and its replay command)",
        HelpName = "FILE",
    };

    /// <summary>Makes values below <paramref name="min"/> a parse error naming the option.</summary>
    public static Option<T> AtLeast<T>(this Option<T> option, T min) where T : struct, IComparable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(r =>
        {
            if (!TryValue<T>(r, out var v)) return;
            if (v.CompareTo(min) < 0) r.AddError($"{option.Name} must be at least {min.ToString(null, CultureInfo.InvariantCulture)}, got {v.ToString(null, CultureInfo.InvariantCulture)}");
        });
        return option;
    }

    /// <summary>
    /// The option's value, or false when the text did not convert (System.CommandLine runs validators even
    /// then, and reports the conversion error itself).
    /// </summary>
    public static bool TryValue<T>(System.CommandLine.Parsing.OptionResult result, out T value)
    {
        ArgumentNullException.ThrowIfNull(result);
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>Makes a non-positive or non-finite value a parse error naming the option.</summary>
    public static Option<double> Positive(this Option<double> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(r =>
        {
            if (!TryValue<double>(r, out var v)) return;
            if (!(v > 0) || !double.IsFinite(v)) r.AddError($"{option.Name} must be a positive number, got {v.ToString(CultureInfo.InvariantCulture)}");
        });
        return option;
    }
}
