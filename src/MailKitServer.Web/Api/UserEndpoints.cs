using MailKitServer.Users.InMemory;
using MailKitServer.Web.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MailKitServer.Web.Api;

/// <summary>Users and their mailboxes; adding and removing users where the directory is writable (the in-memory one).</summary>
internal static class UserEndpoints
{
    public static void Map(RouteGroupBuilder api, MailCatalog catalog, MailEventHub hub)
    {
        var users = api.MapGroup("/users").WithTags("Users");

        users.MapGet("/", () => TypedResults.Ok(catalog.Users())).WithSummary("The accounts whose mail the API shows.");

        users.MapGet("/{user}/mailboxes", async Task<Results<Ok<List<MailboxSummary>>, NotFound>> (string user, CancellationToken ct) =>
        {
            if (!catalog.IsKnownUser(user))
            {
                return TypedResults.NotFound();
            }

            await using var account = await catalog.Store.OpenAccountAsync(user, ct);
            var list = new List<MailboxSummary>();
            foreach (var mailbox in await account.ListAsync(ct))
            {
                var status = await account.GetStatusAsync(mailbox.Name, ct);
                list.Add(new MailboxSummary(mailbox.Name, mailbox.Role.ToString(), status?.Messages ?? 0, status?.Unseen ?? 0));
            }

            return TypedResults.Ok(list);
        }).WithSummary("A user's mailboxes with message and unread counts.");

        users.MapPost("/", async Task<Results<Created<string>, ProblemHttpResult>> (NewUser body, CancellationToken ct) =>
        {
            if (catalog.Server.Context.Directory is not InMemoryUserDirectory memory)
            {
                return TypedResults.Problem("This server's directory is not writable over the API.", statusCode: StatusCodes.Status405MethodNotAllowed);
            }

            try
            {
                var id = memory.AddUser(body.Address, body.Password);

                // The event stream watches the new account from now on.
                await hub.WatchNewAccountsAsync(ct);
                return TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(id)}/mailboxes", id);
            }
            catch (ArgumentException ex)
            {
                return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        }).WithSummary("Adds a user (in-memory directory only).");

        users.MapDelete("/{user}", Results<NoContent, NotFound, ProblemHttpResult> (string user) =>
            catalog.Server.Context.Directory is not InMemoryUserDirectory memory
                ? TypedResults.Problem("This server's directory is not writable over the API.", statusCode: StatusCodes.Status405MethodNotAllowed)
                : memory.RemoveUser(user) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Removes a user (in-memory directory only; the mail stays in the store).");
    }
}
