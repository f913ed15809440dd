namespace Guichet.Domain.Requests;

/// <summary>How a request reached the organisation. Always kept: deadlines and the acknowledgement depend on it.</summary>
public enum RequestChannel { Web, Email, Post, Phone, Counter, Voice, Sms, Fax, Open311 }

public static class RequestChannels
{
    /// <summary>The channel's name as agents and citizens read it.</summary>
    public static string Label(RequestChannel channel) => channel switch
    {
        RequestChannel.Web => "Site web",
        RequestChannel.Email => "Courriel",
        RequestChannel.Post => "Courrier",
        RequestChannel.Phone => "Téléphone",
        RequestChannel.Counter => "Accueil (guichet)",
        RequestChannel.Voice => "Serveur vocal",
        RequestChannel.Sms => "SMS",
        RequestChannel.Fax => "Télécopie",
        RequestChannel.Open311 => "Application (Open311)",
        _ => channel.ToString(),
    };

    /// <summary>The channel's symbol in /img/canaux.svg, shown beside its label.</summary>
    public static string Icon(RequestChannel channel) => channel switch
    {
        RequestChannel.Web => "web",
        RequestChannel.Email => "email",
        RequestChannel.Post => "post",
        RequestChannel.Phone => "phone",
        RequestChannel.Counter => "counter",
        RequestChannel.Voice => "voice",
        RequestChannel.Sms => "sms",
        RequestChannel.Fax => "fax",
        RequestChannel.Open311 => "open311",
        _ => "web",
    };

    /// <summary>Channels an agent registers by hand: what came at the counter, by phone, by post or by fax.</summary>
    public static readonly IReadOnlyList<RequestChannel> RegisteredByAgents =
        [RequestChannel.Counter, RequestChannel.Phone, RequestChannel.Post, RequestChannel.Fax];
}
