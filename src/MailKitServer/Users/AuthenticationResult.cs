namespace MailKitServer.Users;

/// <summary>The outcome of a password check.</summary>
/// <param name="Succeeded">Whether the credentials are valid.</param>
/// <param name="UserId">The user id on success: the key for <see cref="Storage.IMessageStore.OpenAccountAsync"/>.</param>
/// <param name="IsTemporaryFailure">Whether the check could not be made now (a backend is down), as opposed to wrong credentials.</param>
public sealed record AuthenticationResult(bool Succeeded, string? UserId, bool IsTemporaryFailure = false)
{
    /// <summary>Wrong user name or password.</summary>
    public static AuthenticationResult Failed { get; } = new(false, null);

    /// <summary>The backend could not answer.</summary>
    public static AuthenticationResult TemporaryFailure { get; } = new(false, null, true);

    /// <summary>A success for a user.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The result.</returns>
    public static AuthenticationResult Success(string userId) => new(true, userId);
}
