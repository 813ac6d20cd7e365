using System.Text;

namespace FbTokens;

/// <summary>A permission granted for particular objects only.</summary>
/// <param name="Scope">The permission, e.g. <c>pages_show_list</c>.</param>
/// <param name="TargetIds">The ids of the objects it applies to (empty when it applies to all; <c>null</c> entries are left out).</param>
public sealed record GranularScope(string Scope, IReadOnlyList<string> TargetIds)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Scope = ").Append(Scope).Append(", TargetIds = [").AppendJoin(", ", TargetIds).Append(']');
        return true;
    }
}
