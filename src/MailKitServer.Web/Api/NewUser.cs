namespace MailKitServer.Web.Api;

/// <summary>The body of <c>POST /api/v1/users</c>.</summary>
internal sealed record NewUser(string Address, string Password);
