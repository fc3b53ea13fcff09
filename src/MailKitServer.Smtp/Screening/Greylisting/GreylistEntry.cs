namespace MailKitServer.Smtp.Screening.Greylisting;

/// <summary>One greylisting record: a triplet, or a client network's count of triplets that passed.</summary>
/// <param name="Key">What it is about: <c>T NETWORK SENDER RECIPIENT</c> for a triplet, <c>C NETWORK</c> for a client network.</param>
/// <param name="FirstSeen">When the triplet was first tried (for a network: when its first triplet passed).</param>
/// <param name="LastSeen">When it last passed (or was first tried, until it passes).</param>
/// <param name="Passes">How many times it passed and was recorded (for a network: how many of its triplets passed).</param>
/// <param name="Expires">When it is forgotten; a store may drop it from then on.</param>
public sealed record GreylistEntry(string Key, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int Passes, DateTimeOffset Expires);
