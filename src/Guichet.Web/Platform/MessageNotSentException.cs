namespace Guichet.Web.Platform;

/// <summary>
/// A provider (mail or SMS) surely did not take the message, so sending it again cannot make a copy. The reason is
/// French and never holds the recipient's address or number. Any other exception from a send means the outcome is unknown.
/// </summary>
public abstract class MessageNotSentException(string reason, bool permanent, Exception? inner) : Exception(reason, inner)
{
    /// <summary>Retrying cannot help (e.g. the mailbox or the number does not exist).</summary>
    public bool Permanent { get; } = permanent;
}
