using System.CommandLine;
using System.Globalization;
using Registry.Cli.Remote;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry keys create|list|revoke</c> and <c>registry audit list|verify</c>: the admin endpoints of the native API
/// (docs/security.md), over HTTP with an admin key (<c>--api-key</c> or <c>REGISTRY_API_KEY</c>).
/// </summary>
internal static class SecurityCommands
{
    public static Command CreateKeys(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("keys", "API keys: create one (its secret is shown once), list them, revoke one (admin key required)");
        remote.AddTo(command);

        var role = CommandKit.Choice("--role", ApiNames.Roles, $"What the key may do: {string.Join(", ", ApiNames.Roles)} (docs/security.md)", "ROLE");
        role.Required = true;
        var grants = new Option<string[]>("--grant")
        {
            Description = "A subject pattern the key is granted, e.g. orders.* (developer and service keys); repeat for several",
            HelpName = "PATTERN",
            AllowMultipleArgumentsPerToken = false,
        };
        var expires = Time("--expires", "When the key stops working, e.g. 2027-06-30 or 2027-06-30T12:00:00Z (UTC unless an offset is given)");
        var description = new Option<string?>("--description") { Description = "What the key is for, shown in listings", HelpName = "TEXT" };
        var create = new Command("create", "Create a key; its secret is printed once and never again") { role, grants, expires, description };
        kit.SetRemoteAction(create, remote, async (parse, api, ct) =>
        {
            var key = await api.CreateKeyAsync(
                new KeyInput(parse.GetValue(role)!, parse.GetValue(grants) ?? [], parse.GetValue(expires), parse.GetValue(description)), ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(key, c => c.KeyModel);
            }
            else
            {
                await kit.Console.Out.WriteLineAsync(key.Key);
                await kit.Console.Error.WriteLineAsync(
                    $"created {key.KeyId} ({key.Role}{Grants(key)}); the line above is the whole key and is not shown again: store it now");
            }

            return ExitCodes.Ok;
        });

        var list = new Command("list", "Every key: id, role, grants, creation, expiry and revocation (never a secret)");
        kit.SetRemoteAction(list, remote, async (parse, api, ct) =>
        {
            var keys = await api.ListKeysAsync(ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(keys, c => c.IReadOnlyListKeyModel);
            }
            else if (keys.Count == 0)
            {
                await kit.Console.Error.WriteLineAsync("no keys");
            }
            else
            {
                kit.Console.WriteTable(
                    ["KEY ID", "ROLE", "GRANTS", "CREATED", "EXPIRES", "REVOKED", "DESCRIPTION"],
                    keys.Select(k => (IReadOnlyList<string?>)[k.KeyId, k.Role, string.Join(' ', k.Grants), CommandKit.Format(k.CreatedAt), CommandKit.Format(k.ExpiresAt), CommandKit.Format(k.RevokedAt), k.Description]));
            }

            return ExitCodes.Ok;
        });

        var keyId = new Argument<string>("key-id") { Description = "The key's id (rk_ and 16 hex digits, as listed; not the secret)" };
        var revoke = new Command("revoke", "Revoke a key: it is refused from now on") { keyId };
        kit.SetRemoteAction(revoke, remote, async (parse, api, ct) =>
        {
            var id = parse.GetValue(keyId)!;
            var dot = id.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0)
            {
                // A whole key pasted by mistake: its id is the part before the dot, and the secret goes no further.
                id = id[..dot];
            }

            var key = await api.RevokeKeyAsync(id, ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(key, c => c.KeyModel);
            }
            else
            {
                await kit.Console.Out.WriteLineAsync($"revoked {key.KeyId} at {CommandKit.Format(key.RevokedAt)}");
            }

            return ExitCodes.Ok;
        });

        command.Add(create);
        command.Add(list);
        command.Add(revoke);
        return command;
    }

    public static Command CreateAudit(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("audit", "The audit log: read its rows, verify its hash chain (admin key required)");
        remote.AddTo(command);

        var subject = new Option<string?>("--subject") { Description = "Only rows about this subject", HelpName = "SUBJECT" };
        var principal = new Option<string?>("--principal") { Description = "Only rows of this principal (a key id, jwt:<sub> or anonymous)", HelpName = "PRINCIPAL" };
        var since = Time("--since", "Only rows from this time on, e.g. 2026-12-01 or 2026-12-01T08:00:00Z (UTC unless an offset is given)");
        var limit = new Option<int>("--limit") { Description = "At most this many rows, oldest first (default 100)", HelpName = "N", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(result =>
        {
            if (CommandKit.Number(result) < 1)
            {
                result.AddError("--limit: give 1 or more");
            }
        });
        var list = new Command("list", "Audit rows, oldest first: time, principal, source, operation, subject, version, outcome") { subject, principal, since, limit };
        kit.SetRemoteAction(list, remote, async (parse, api, ct) =>
        {
            var wanted = parse.GetValue(limit);
            var rows = new List<AuditEntryModel>();
            long? after = null;
            while (rows.Count < wanted)
            {
                var page = await api.ReadAuditAsync(
                    new AuditFilter(parse.GetValue(subject), parse.GetValue(principal), parse.GetValue(since), after, Math.Min(wanted - rows.Count, 1000)), ct);
                rows.AddRange(page.Entries);
                if (page.Next is not { } next || page.Entries.Count == 0)
                {
                    break;
                }

                after = next;
            }

            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(rows, c => c.IReadOnlyListAuditEntryModel);
            }
            else if (rows.Count == 0)
            {
                await kit.Console.Error.WriteLineAsync("no audit rows match");
            }
            else
            {
                kit.Console.WriteTable(
                    ["SEQ", "TIME", "PRINCIPAL", "SOURCE", "OPERATION", "SUBJECT", "VERSION", "OUTCOME"],
                    rows.Select(r => (IReadOnlyList<string?>)[CommandKit.Number(r.Sequence), CommandKit.Format(r.Time), r.Principal, r.Source, r.Operation, r.Subject ?? r.Target,
                        r.Version?.ToString(CultureInfo.InvariantCulture), r.Outcome]));
            }

            return ExitCodes.Ok;
        });

        var verify = new Command("verify", "Recompute the audit log's hash chain on the server: exit 0 when intact, 1 with the first broken row otherwise");
        kit.SetRemoteAction(verify, remote, async (parse, api, ct) =>
        {
            var result = await api.VerifyAuditAsync(ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(result, c => c.AuditVerifyModel);
            }
            else if (result.Intact)
            {
                await kit.Console.Out.WriteLineAsync($"intact: {CommandKit.Number(result.Rows)} rows, every hash matches");
            }
            else
            {
                await kit.Console.Out.WriteLineAsync($"BROKEN at row {result.BrokenAt?.ToString(CultureInfo.InvariantCulture)}: {result.Reason}");
            }

            return result.Intact ? ExitCodes.Ok : ExitCodes.Negative;
        });

        command.Add(list);
        command.Add(verify);
        return command;
    }

    private static string Grants(KeyModel key) => key.Grants.Count == 0 ? "" : " on " + string.Join(", ", key.Grants);

    /// <summary>An option holding a date or a date and time; one typed without an offset is UTC, whatever the machine's zone.</summary>
    private static Option<DateTimeOffset?> Time(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "TIME",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }

            result.AddError($"{name}: '{text}' is not a date or time; write e.g. 2027-06-30 or 2027-06-30T12:00:00Z");
            return null;
        },
    };
}
