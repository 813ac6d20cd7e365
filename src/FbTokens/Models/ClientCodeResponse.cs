using System.Text;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>A single-use client code from <c>oauth/client_code</c>, to be redeemed by a client device.</summary>
/// <param name="Code">The code. Never printed by <see cref="object.ToString"/>.</param>
/// <param name="MachineId">The machine id Graph sent with the code, if any.</param>
public sealed record ClientCodeResponse(string Code, string? MachineId = null)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Code = ").Append(SecretMask.Token(Code)).Append(", MachineId = ").Append(MachineId);
        return true;
    }
}
