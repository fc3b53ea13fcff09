namespace MailKitServer.Delivery;

/// <summary>A message a filter sends because of a delivery (a redirect, a vacation reply, a refusal notice).</summary>
/// <param name="ReversePath">The envelope sender, empty for <c>&lt;&gt;</c>.</param>
/// <param name="Recipient">The envelope recipient.</param>
/// <param name="Content">The message, CRLF line endings; <see langword="null"/> sends the received message itself (without its Return-Path).</param>
internal sealed record FilterMessage(string ReversePath, string Recipient, byte[]? Content);
