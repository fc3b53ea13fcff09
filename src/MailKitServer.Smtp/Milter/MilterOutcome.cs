namespace MailKitServer.Smtp.Milter;

/// <summary>What the filters decided at end of message, and the changes they made to it and its envelope.</summary>
internal sealed class MilterOutcome : IDisposable
{
    /// <summary>Continue (deliver), Reject, TempFail or Discard, with the reply a filter chose.</summary>
    public MilterDecision Decision { get; set; } = MilterDecision.Continue;

    /// <summary>The message as the filters left it (without Return-Path), when one changed its header or body; owned.</summary>
    public Runtime.MessageSpool? Content { get; set; }

    /// <summary>The new envelope sender (empty for the null sender), when a filter changed it.</summary>
    public string? Sender { get; set; }

    /// <summary>Recipients the filters added, in order.</summary>
    public List<string> AddedRecipients { get; } = [];

    /// <summary>Recipients the filters removed.</summary>
    public List<string> DeletedRecipients { get; } = [];

    /// <summary>Why a filter quarantined the message; null when none did.</summary>
    public string? Quarantine { get; set; }

    public void Dispose() => Content?.Dispose();
}
