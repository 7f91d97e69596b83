#include "replay/mitre.h"

namespace amber::replay {

namespace {

constexpr Tactic kInitialAccess{"TA0001", "Initial Access"};
constexpr Tactic kExecution{"TA0002", "Execution"};
constexpr Tactic kPersistence{"TA0003", "Persistence"};
constexpr Tactic kPrivEsc{"TA0004", "Privilege Escalation"};
constexpr Tactic kDefenseEvasion{"TA0005", "Defense Evasion"};
constexpr Tactic kCredentialAccess{"TA0006", "Credential Access"};
constexpr Tactic kDiscovery{"TA0007", "Discovery"};
constexpr Tactic kCommandAndControl{"TA0011", "Command and Control"};
constexpr Tactic kImpact{"TA0040", "Impact"};

const std::vector<Technique>& Table() {
  static const std::vector<Technique> table = {
      // Parents of the sub-techniques below: ECS puts them in threat.technique.*.
      {"T1027", "Obfuscated Files or Information", {kDefenseEvasion}},
      {"T1037", "Boot or Logon Initialization Scripts", {kPersistence, kPrivEsc}},
      {"T1053", "Scheduled Task/Job", {kExecution, kPersistence, kPrivEsc}},
      {"T1059", "Command and Scripting Interpreter", {kExecution}},
      {"T1070", "Indicator Removal", {kDefenseEvasion}},
      {"T1136", "Create Account", {kPersistence}},
      {"T1505", "Server Software Component", {kPersistence}},
      {"T1543", "Create or Modify System Process", {kPersistence, kPrivEsc}},
      {"T1547", "Boot or Logon Autostart Execution", {kPersistence, kPrivEsc}},
      {"T1552", "Unsecured Credentials", {kCredentialAccess}},
      {"T1562", "Impair Defenses", {kDefenseEvasion}},
      {"T1574", "Hijack Execution Flow", {kPersistence, kPrivEsc, kDefenseEvasion}},
      // The techniques the pack names.
      {"T1003", "OS Credential Dumping", {kCredentialAccess}},
      {"T1003.008", "/etc/passwd and /etc/shadow", {kCredentialAccess}},
      {"T1014", "Rootkit", {kDefenseEvasion}},
      {"T1027.004", "Compile After Delivery", {kDefenseEvasion}},
      {"T1037.004", "RC Scripts", {kPersistence, kPrivEsc}},
      {"T1053.003", "Cron", {kExecution, kPersistence, kPrivEsc}},
      {"T1055", "Process Injection", {kDefenseEvasion, kPrivEsc}},
      {"T1055.008", "Ptrace System Calls", {kDefenseEvasion, kPrivEsc}},
      {"T1055.009", "Proc Memory", {kDefenseEvasion, kPrivEsc}},
      {"T1059.004", "Unix Shell", {kExecution}},
      {"T1068", "Exploitation for Privilege Escalation", {kPrivEsc}},
      {"T1070.002", "Clear Linux or Mac System Logs", {kDefenseEvasion}},
      {"T1070.003", "Clear Command History", {kDefenseEvasion}},
      {"T1095", "Non-Application Layer Protocol", {kCommandAndControl}},
      {"T1098", "Account Manipulation", {kPersistence, kPrivEsc}},
      {"T1098.004", "SSH Authorized Keys", {kPersistence, kPrivEsc}},
      {"T1105", "Ingress Tool Transfer", {kCommandAndControl}},
      {"T1106", "Native API", {kExecution}},
      {"T1136.001", "Local Account", {kPersistence}},
      {"T1190", "Exploit Public-Facing Application", {kInitialAccess}},
      {"T1505.003", "Web Shell", {kPersistence}},
      {"T1528", "Steal Application Access Token", {kCredentialAccess}},
      {"T1529", "System Shutdown/Reboot", {kImpact}},
      {"T1543.002", "Systemd Service", {kPersistence, kPrivEsc}},
      {"T1547.006", "Kernel Modules and Extensions", {kPersistence, kPrivEsc}},
      {"T1548", "Abuse Elevation Control Mechanism", {kPrivEsc, kDefenseEvasion}},
      {"T1548.001", "Setuid and Setgid", {kPrivEsc, kDefenseEvasion}},
      {"T1548.003", "Sudo and Sudo Caching", {kPrivEsc, kDefenseEvasion}},
      {"T1552.001", "Credentials In Files", {kCredentialAccess}},
      {"T1552.007", "Container API", {kCredentialAccess}},
      {"T1562.001", "Disable or Modify Tools", {kDefenseEvasion}},
      {"T1574.006", "Dynamic Linker Hijacking", {kPersistence, kPrivEsc, kDefenseEvasion}},
      {"T1610", "Deploy Container", {kDefenseEvasion, kExecution}},
      {"T1611", "Escape to Host", {kPrivEsc}},
      {"T1613", "Container and Resource Discovery", {kDiscovery}},
      {"T1620", "Reflective Code Loading", {kDefenseEvasion}},
  };
  return table;
}

}  // namespace

const Technique* FindTechnique(std::string_view id) {
  for (const Technique& t : Table()) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

}  // namespace amber::replay
