namespace MailKitServer.Users.InMemory;

/// <summary>A user of the <see cref="InMemoryUserDirectory"/>: only derived keys are kept, never the password.</summary>
internal sealed record InMemoryUser(string UserId, ScramCredentials Scram, CramMd5Credentials? CramMd5, long Order);
