using System.Globalization;
using System.Text;
using System.Xml;

namespace Sim.Scenarios.Reports;

/// <summary>One test case of a JUnit XML report: a failure carries a short message and the full text (scenario, replay command).</summary>
public sealed record JUnitCase(string Name, string ClassName, TimeSpan Time, string? FailureMessage = null, string? FailureText = null, bool Error = false)
{
    public bool Failed => FailureMessage is not null;
}

/// <summary>
/// Writes JUnit XML (the schema GitHub Actions, GitLab and Jenkins read): one &lt;testsuite&gt; with a
/// &lt;testcase&gt; per case; a violation is a &lt;failure&gt;, an undecided case an &lt;error&gt;.
/// </summary>
public static class JUnitReport
{
    public static void Write(string path, string suiteName, IReadOnlyList<JUnitCase> cases, DateTime timestampUtc)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var w = XmlWriter.Create(path, settings);
        w.WriteStartDocument();
        w.WriteStartElement("testsuites");
        w.WriteAttributeString("name", suiteName);
        w.WriteAttributeString("tests", I(cases.Count));
        w.WriteAttributeString("failures", I(cases.Count(c => c.Failed && !c.Error)));
        w.WriteAttributeString("errors", I(cases.Count(c => c.Failed && c.Error)));
        w.WriteAttributeString("time", Seconds(cases.Aggregate(TimeSpan.Zero, (t, c) => t + c.Time)));
        w.WriteStartElement("testsuite");
        w.WriteAttributeString("name", suiteName);
        w.WriteAttributeString("tests", I(cases.Count));
        w.WriteAttributeString("failures", I(cases.Count(c => c.Failed && !c.Error)));
        w.WriteAttributeString("errors", I(cases.Count(c => c.Failed && c.Error)));
        w.WriteAttributeString("skipped", "0");
        w.WriteAttributeString("timestamp", timestampUtc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        w.WriteAttributeString("time", Seconds(cases.Aggregate(TimeSpan.Zero, (t, c) => t + c.Time)));
        foreach (var c in cases)
        {
            w.WriteStartElement("testcase");
            w.WriteAttributeString("name", c.Name);
            w.WriteAttributeString("classname", c.ClassName);
            w.WriteAttributeString("time", Seconds(c.Time));
            if (c.Failed)
            {
                w.WriteStartElement(c.Error ? "error" : "failure");
                w.WriteAttributeString("message", c.FailureMessage);
                w.WriteAttributeString("type", c.Error ? "undecided" : "violation");
                if (c.FailureText is not null) w.WriteString(c.FailureText);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
