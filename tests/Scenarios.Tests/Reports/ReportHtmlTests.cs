using AngleSharp.Html.Parser;
using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Tests.Reports;

/// <summary>The HTML report parsed as a browser would (AngleSharp): every image, object and link resolves, every table has a header row.</summary>
public sealed class ReportHtmlTests(TinySweepFixture sweep) : IClassFixture<TinySweepFixture>
{
    [Fact]
    public void EveryImageObjectAndLinkResolvesAndEveryTableHasAHeaderRow()
    {
        Assert.Equal(0, sweep.ExitCode);
        var document = new HtmlParser().ParseDocument(File.ReadAllText(sweep.PathOf(SweepReport.HtmlName)));
        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.False(string.IsNullOrWhiteSpace(document.Title));

        var references = document.QuerySelectorAll("img").Select(e => e.GetAttribute("src"))
            .Concat(document.QuerySelectorAll("object").Select(e => e.GetAttribute("data")))
            .Concat(document.QuerySelectorAll("a[href]").Select(e => e.GetAttribute("href")))
            .Where(r => r is not null).Select(r => r!).ToList();
        Assert.True(references.Count >= 8, $"only {references.Count} references");
        foreach (var r in references)
        {
            if (r.StartsWith('#'))
            {
                Assert.NotNull(document.GetElementById(r[1..]));
                continue;
            }
            Assert.DoesNotContain("://", r, StringComparison.Ordinal); // the report is self-contained
            Assert.True(File.Exists(sweep.PathOf(Uri.UnescapeDataString(r))), $"report.html refers to missing {r}");
        }
        foreach (var img in document.QuerySelectorAll("img"))
            Assert.False(string.IsNullOrWhiteSpace(img.GetAttribute("alt")), $"{img.GetAttribute("src")} has no alt text");

        var tables = document.QuerySelectorAll("table");
        Assert.NotEmpty(tables);
        foreach (var table in tables)
        {
            var header = table.QuerySelector("thead tr");
            Assert.NotNull(header);
            var heads = header!.QuerySelectorAll("th");
            Assert.NotEmpty(heads);
            foreach (var row in table.QuerySelectorAll("tbody tr"))
                Assert.Equal(heads.Length, row.QuerySelectorAll("td,th").Length);
        }
    }

    [Fact]
    public void EveryArrowAndMarkOfTheSpacetimeSvgHasHoverText()
    {
        var svg = System.Xml.Linq.XDocument.Load(sweep.PathOf(SpacetimeChart.Name + ".svg"));
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2000/svg";
        var marks = svg.Descendants().Where(e => (string?)e.Attribute("class") is { } c && (c.StartsWith("flight", StringComparison.Ordinal) || c.StartsWith("mark", StringComparison.Ordinal) || c == "epoch")).ToList();
        Assert.True(marks.Count > 20, $"only {marks.Count} arrows and marks");
        foreach (var m in marks)
        {
            var title = m.Element(ns + "title")?.Value;
            Assert.False(string.IsNullOrWhiteSpace(title), $"{m.Name.LocalName} {(string?)m.Attribute("class")} has no hover text");
            if (((string)m.Attribute("class")!).StartsWith("flight", StringComparison.Ordinal))
            {
                Assert.Contains("payload ", title, StringComparison.Ordinal);
                Assert.Contains("epoch ", title, StringComparison.Ordinal);
            }
        }
        Assert.Contains(marks, m => (string?)m.Attribute("class") == "flight lost" && m.Element(ns + "title")!.Value.Contains("fault ", StringComparison.Ordinal));
    }
}
