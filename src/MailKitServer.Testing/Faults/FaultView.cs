namespace MailKitServer.Testing.Faults;

/// <summary>An armed fault as the API shows it.</summary>
internal sealed record FaultView(string Stage, string Kind, string? Reply, double DelayMilliseconds, string? Recipient, int Remaining, int Fired, double Probability)
{
    public static FaultView Of(Fault fault) => new(
        fault.Stage.ToString(),
        fault.Kind.ToString(),
        fault.Reply?.ToString(),
        fault.Delay.TotalMilliseconds,
        fault.Recipient,
        fault.Remaining,
        fault.Fired,
        fault.Probability);
}
