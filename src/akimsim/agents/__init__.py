"""Mesa agents, the actors a person reasons about, and their behaviour.

Owns voters (:mod:`.voter`, a view onto the population arrays), people who seek a post
(:mod:`.people`), office holders and appointers (:mod:`.officials`), councils
(:mod:`.councils`) and one module per behavioural mechanism (:mod:`.behaviour`). Agents
return decisions; the model records them. Imports the config, the kernels' array groups
and the world; never the elections, the regimes, the model or the edge.
"""

from akimsim.agents.behaviour.accountability import accountability_focus
from akimsim.agents.councils import Deputy, DeputyBloc, Maslikhat
from akimsim.agents.officials import Akim, Appointer, President, RegionalAkim
from akimsim.agents.people import Applicant, Candidate, Person, Traits, person_id
from akimsim.agents.voter import Voter

__all__ = [
    "Akim",
    "Applicant",
    "Appointer",
    "Candidate",
    "Deputy",
    "DeputyBloc",
    "Maslikhat",
    "Person",
    "President",
    "RegionalAkim",
    "Traits",
    "Voter",
    "accountability_focus",
    "person_id",
]
