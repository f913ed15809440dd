namespace Guichet.Domain.Calendar;

/// <summary>A public holiday, named in French as an agent or citizen reads it.</summary>
public readonly record struct Holiday(DateOnly Date, string Name);
