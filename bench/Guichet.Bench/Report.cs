using System.Globalization;
using System.Runtime.InteropServices;

namespace Guichet.Bench;

/// <summary>Latencies in milliseconds, with nearest-rank percentiles.</summary>
public sealed class Latencies
{
    private readonly List<double> values = [];
    private double[]? sorted;

    public void Add(double ms)
    {
        values.Add(ms);
        sorted = null;
    }

    public void AddRange(Latencies other)
    {
        values.AddRange(other.values);
        sorted = null;
    }

    public int Count => values.Count;
    public double Mean => values.Count == 0 ? double.NaN : values.Average();

    public double Percentile(double p)
    {
        if (values.Count == 0) return double.NaN;
        sorted ??= values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>Prints figure | baseline | ratio tables, so every figure is read against its baseline.</summary>
public sealed class Table(string figureHeader, string baselineHeader)
{
    private readonly List<(string Label, string Figure, string Baseline, string Ratio)> rows = [];

    public void Row(string label, double figure, double baseline, string format = "0.00")
    {
        var ratio = double.IsFinite(figure) && double.IsFinite(baseline) && baseline > 0 ? Ratio(figure / baseline) : "—";
        rows.Add((label, F(figure, format), F(baseline, format), ratio));
    }

    public void Row(string label, string figure, string baseline, string ratio = "—") => rows.Add((label, figure, baseline, ratio));

    public void Print()
    {
        var w0 = Math.Max(10, rows.Max(r => r.Label.Length));
        var w1 = Math.Max(figureHeader.Length, rows.Max(r => r.Figure.Length));
        var w2 = Math.Max(baselineHeader.Length, rows.Max(r => r.Baseline.Length));
        Console.WriteLine($"  {"".PadRight(w0)}  {figureHeader.PadLeft(w1)}  {baselineHeader.PadLeft(w2)}  {"ratio",8}");
        foreach (var r in rows)
            Console.WriteLine($"  {r.Label.PadRight(w0)}  {r.Figure.PadLeft(w1)}  {r.Baseline.PadLeft(w2)}  {r.Ratio,8}");
    }

    public static string Ratio(double r) =>
        (r >= 1 ? r.ToString("0.0", CultureInfo.InvariantCulture) : r.ToString("G2", CultureInfo.InvariantCulture)) + "×";

    public static string F(double value, string format = "0.00") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "—";
}

public static class Machine
{
    public static async Task PrintAsync(string scenario, BenchDatabase database, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine($"=== Guichet bench: {scenario} on {(database.IsPostgres ? "PostgreSQL" : "SQLite")} ===");
        Console.WriteLine($"machine   {Environment.ProcessorCount} logical cores{CpuModel()}, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0):0.0} GiB, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}");
        Console.WriteLine($".NET      {RuntimeInformation.FrameworkDescription} (bench and app, Release, Server GC: {System.Runtime.GCSettings.IsServerGC} in the bench)");
        Console.WriteLine($"database  {await database.ServerVersionAsync(ct)}");
        Console.WriteLine("note      load generator, app (separate process, Kestrel on loopback) and database share this machine");
        Console.WriteLine($"load      {LoadAverage()} at the start");
    }

    /// <summary>Other work on the machine skews every figure; the load average says how much there was.</summary>
    public static string LoadAverage()
    {
        try
        {
            if (!File.Exists("/proc/loadavg")) return "load average unknown";
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"1/5/15-min load average {parts[0]} / {parts[1]} / {parts[2]} on {Environment.ProcessorCount} cores";
        }
        catch (IOException) { return "load average unknown"; }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            return line is null ? "" : $" ({line[(line.IndexOf(':') + 1)..].Trim()})";
        }
        catch (IOException) { return ""; }
    }

    public static string N(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);
}
