namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// Bounds that keep a hostile message from costing unbounded time or memory. Past a bound the parser stops looking
/// deeper, keeps what it has and says so in <see cref="MimeMessage.Problems"/>; it never throws for it.
/// </summary>
public sealed record MimeLimits
{
    public static MimeLimits Default { get; } = new();

    /// <summary>Nesting of multiparts and embedded messages; deeper ones are kept as opaque parts.</summary>
    public int MaxDepth { get; init; } = 24;

    /// <summary>Parts in the whole message, embedded messages included; further parts are dropped.</summary>
    public int MaxParts { get; init; } = 500;

    /// <summary>Header fields per entity; further ones are skipped.</summary>
    public int MaxHeaders { get; init; } = 1000;

    /// <summary>Bytes kept of one header field (after unfolding); the rest is cut.</summary>
    public int MaxHeaderLength { get; init; } = 64 * 1024;
}

/// <summary>The input cannot be an e-mail at all (empty, or its first line is not a header field).</summary>
public sealed class MimeFormatException(string message) : FormatException(message);
