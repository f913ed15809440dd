using System.Globalization;
using System.Net;
using System.Text;
using Guichet.Domain.Quality;
using Guichet.Domain.Requests;
using Guichet.Web.Data;

namespace Guichet.Web.Features.Quality;

public sealed record ChartBar(string Label, double Value, string Text);

/// <summary>A horizontal bar chart of one table's figure; the table beside it is its text alternative.</summary>
public sealed record BarChart(string Title, string Description, double Max, IReadOnlyList<ChartBar> Bars, double? Target = null, string? TargetLabel = null);

/// <summary>One table of the dashboard, as shown and as exported in CSV (same headers, same cells).</summary>
public sealed record QualityTable(string Key, string Title, string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, BarChart? Chart = null);

/// <summary>The dashboard's tables built from a report, their CSV, and the charts drawn as inline SVG.</summary>
public static class QualityTables
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static string Number(long n) => n.ToString("N0", French);
    public static string Percent(double? p) => p is { } v ? v.ToString("0.0", French) : "—";
    public static string Decimal(double? v) => v is { } x ? x.ToString("0.0", French) : "—";
    public static string Int(int? v) => v is { } x ? x.ToString(French) : "—";
    public static string Date(DateOnly? d) => d is { } x ? x.ToString("dd/MM/yyyy", French) : "aucun dans les 93 jours";

    public static string ChannelLabel(Channel c) => c switch
    {
        Channel.Web => "Internet",
        Channel.Phone => "Téléphone (par un agent)",
        Channel.Counter => "Guichet",
        Channel.Partner => "Mairie associée",
        Channel.Voice => "Serveur vocal",
        _ => c.ToString(),
    };

    public static IReadOnlyList<QualityTable> Build(QualityReport r)
    {
        var req = r.Requests;
        var a = r.Appointments;
        var tables = new List<QualityTable>
        {
            new("demandes-delais", "Demandes répondues dans le délai", "Par service et par canal : une demande compte dans la période de sa première réponse, ou, sans réponse, dans celle de son échéance dépassée",
                ["Service", "Canal", "Répondues dans le délai", "Répondues en retard", "En retard sans réponse", "Part dans le délai (%)"],
                req.Deadlines.Select(d => Row(d.UnitName, RequestChannels.Label(d.Channel), Number(d.InTime), Number(d.Late), Number(d.OverdueUnanswered), Percent(d.InTimePercent)))
                    .Append(Row("Total", "", Number(req.InTime), Number(req.Deadlines.Sum(d => d.Late)), Number(req.Deadlines.Sum(d => d.OverdueUnanswered)), Percent(req.InTimePercent))).ToList(),
                new BarChart("Part des demandes répondues dans le délai", "Pourcentage par service et canal, sur 100 %.", 100,
                    req.Deadlines.Select(d => new ChartBar($"{d.UnitName} — {RequestChannels.Label(d.Channel)}", d.InTimePercent ?? 0, $"{Percent(d.InTimePercent)} %")).ToList())),
            new("demandes-temps", "Temps de réponse aux demandes", "En jours ouvrés depuis le jour de réception (jour 0), sur les réponses de la période",
                ["Mesure", "Demandes", "Moyenne (jours ouvrés)", "90 % en moins de (jours ouvrés)"],
                [Row("Réponse (demande répondue, rejetée ou close)", Number(req.TimeToAnswer.Count), Decimal(req.TimeToAnswer.Mean), Int(req.TimeToAnswer.P90)),
                 Row("Premier message à l'usager", Number(req.FirstResponse.Count), Decimal(req.FirstResponse.Mean), Int(req.FirstResponse.P90))]),
            new("demandes-stock", "Demandes en cours aujourd'hui", $"Au {r.Today.ToString("dd/MM/yyyy", French)}, par service",
                ["Service", "En cours", "Dont en retard"],
                req.Backlog.Select(b => Row(b.UnitName, Number(b.Open), Number(b.Overdue))).Append(Row("Total", Number(req.Open), Number(req.Overdue))).ToList()),
            new("appels", "Appels au serveur vocal", $"Taux de réponse sur les appels terminés ; objectif national : au moins {QualityTargets.AnsweredCallsMinPercent} % (moins de 10 % d'appels perdus)",
                ["Service", "Reçus", "Répondus", "Abandonnés", "Transférés", "Messages laissés", "En cours ou fin inconnue", "Taux de réponse (%)", "Objectif atteint"],
                r.Calls.Append(r.CallsTotal).Select(c => Row(c.Label, Number(c.Received), Number(c.Answered), Number(c.Abandoned), Number(c.Transferred), Number(c.Messages), Number(c.Unfinished),
                    Percent(c.AnsweredPercent), c.MeetsTarget is { } m ? (m ? "oui" : "non") : "—")).ToList(),
                new BarChart("Taux de réponse au téléphone", $"Pourcentage d'appels répondus, sur 100 %, avec l'objectif de {QualityTargets.AnsweredCallsMinPercent} %.", 100,
                    r.Calls.Select(c => new ChartBar(c.Label, c.AnsweredPercent ?? 0, $"{Percent(c.AnsweredPercent)} %")).ToList(),
                    QualityTargets.AnsweredCallsMinPercent, $"objectif {QualityTargets.AnsweredCallsMinPercent} %")),
            new("rdv-delai", "Délai pour obtenir un rendez-vous", "Aujourd'hui, premier créneau libre pour une personne, par lieu et motif (réserve d'urgence non comprise)",
                ["Lieu", "Motif", "Premier créneau libre", "Délai (jours)"],
                a.SlotDelays.Select(s => Row(s.SiteName, s.ReasonName, Date(s.FirstFree), Int(s.DelayDays))).ToList(),
                new BarChart("Délai jusqu'au premier créneau libre", "En jours calendaires, par lieu et motif.", Math.Max(1, a.SlotDelays.Max(s => (double?)s.DelayDays) ?? 1),
                    a.SlotDelays.Select(s => new ChartBar($"{s.SiteName} — {s.ReasonName}", s.DelayDays ?? 0, s.DelayDays is { } d ? $"{d} j" : "aucun")).ToList())),
            new("rdv-canaux", "Rendez-vous pris par canal", "Rendez-vous pris pendant la période, selon le canal de réservation",
                ["Canal", "Rendez-vous pris", "Part (%)"],
                a.Bookings.Select(b => Row(ChannelLabel(b.Channel), Number(b.Count), Percent(QualityMath.Percent(b.Count, a.BookingsTotal))))
                    .Append(Row("Total", Number(a.BookingsTotal), a.BookingsTotal > 0 ? "100,0" : "—")).ToList(),
                new BarChart("Rendez-vous pris par canal", "Nombre de rendez-vous par canal de réservation.", Math.Max(1, a.Bookings.Max(b => (double?)b.Count) ?? 1),
                    a.Bookings.Select(b => new ChartBar(ChannelLabel(b.Channel), b.Count, Number(b.Count))).ToList())),
            new("rdv-lieux", "Rendez-vous de la période par lieu", "Rendez-vous dont l'heure tombe dans la période ; taux d'absence sur les rendez-vous dont l'issue est notée",
                ["Lieu", "À venir ou sans issue notée", "Honorés", "Absents", "Excusés", "Annulés", "Taux d'absence (%)", "Taux d'annulation (%)"],
                a.Outcomes.Select(o => Row(o.SiteName, Number(o.Booked), Number(o.Honoured), Number(o.NoShow), Number(o.Excused), Number(o.Cancelled), Percent(o.NoShowPercent), Percent(o.CancelledPercent))).ToList()),
            new("rdv-autres", "Réserve d'urgence et retrait des titres", "Rendez-vous pris sur la réserve d'urgence pendant la période ; délai du dépôt au retrait, en jours calendaires, pour les retraits de la période",
                ["Mesure", "Valeur"],
                [Row("Rendez-vous pris sur la réserve d'urgence", Number(a.UrgentBookings)),
                 Row("Titres retirés", Number(a.DepositToWithdrawal.Count)),
                 Row("Délai moyen du dépôt au retrait (jours)", Decimal(a.DepositToWithdrawal.Mean)),
                 Row("90 % retirés en moins de (jours)", Int(a.DepositToWithdrawal.P90))]),
            new("satisfaction", "Satisfaction des usagers", r.Filter.UnitId is null
                    ? "Questionnaires envoyés pendant la période après un rendez-vous honoré ou une demande répondue ; notes de 1 (pas du tout satisfait) à 5 (très satisfait)"
                    : "Toute l'organisation : le questionnaire ne distingue pas les services ; notes de 1 (pas du tout satisfait) à 5 (très satisfait)",
                ["Question", "Réponses", "Note moyenne (sur 5)", "1", "2", "3", "4", "5", "Questionnaires envoyés", "Taux de réponse (%)"],
                r.Satisfaction.Select(q => Row(q.Label, Number(q.Answers), q.Mean is { } m ? m.ToString("0.00", French) : "—",
                    Score(q, 1), Score(q, 2), Score(q, 3), Score(q, 4), Score(q, 5), Number(q.SurveysSent), Percent(q.ResponseRate))).ToList(),
                new BarChart("Note moyenne par question", "Sur 5, pour les questions notées.", 5,
                    r.Satisfaction.Where(q => q.Mean is not null).Select(q => new ChartBar(q.Label, q.Mean!.Value, $"{q.Mean!.Value.ToString("0.00", French)} / 5")).ToList())),
        };
        return tables;
    }

    private static string Score(Satisfaction.SurveyQuestionResult q, int score) =>
        q.Mean is null ? "—" : Number(q.Distribution.TryGetValue(score, out var n) ? n : 0);

    private static IReadOnlyList<string> Row(params string[] cells) => cells;

    /// <summary>CSV for French Excel: UTF-8 with a byte-order mark, ';' between cells, a header row, CRLF line ends.</summary>
    public static byte[] Csv(QualityTable table)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(';', table.Headers.Select(Cell))).Append("\r\n");
        foreach (var row in table.Rows) sb.Append(string.Join(';', row.Select(Cell))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    private static string Cell(string value)
    {
        // A cell Excel would read as a formula is quoted with a leading apostrophe (CSV injection).
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' && !double.TryParse(value, NumberStyles.Any, French, out _)) value = "'" + value;
        return value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>The chart as inline SVG: role img, a title and a description, values written beside the bars.</summary>
    public static string Svg(BarChart chart, string id)
    {
        const int labelWidth = 260, barWidth = 300, rowHeight = 26, top = 8;
        var height = top + Math.Max(1, chart.Bars.Count) * rowHeight + 8;
        var width = labelWidth + barWidth + 80;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-t\">{E(chart.Title)}</title><desc id=\"{id}-d\">{E(chart.Description)} Les valeurs sont dans le tableau qui suit.</desc>");
        var i = 0;
        foreach (var bar in chart.Bars)
        {
            var y = top + i * rowHeight;
            var w = chart.Max <= 0 ? 0 : Math.Clamp(bar.Value / chart.Max, 0, 1) * barWidth;
            var label = bar.Label.Length > 40 ? bar.Label[..39] + "…" : bar.Label;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + 17}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1e1e1e\">{E(label)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{w:0.#}\" height=\"18\" fill=\"#000091\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + w + 6:0.#}\" y=\"{y + 17}\" font-size=\"13\" fill=\"#1e1e1e\">{E(bar.Text)}</text>");
            i++;
        }
        if (chart.Target is { } target && chart.Max > 0)
        {
            var x = labelWidth + target / chart.Max * barWidth;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"2\" x2=\"{x:0.#}\" y2=\"{height - 2}\" stroke=\"#ce0500\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
