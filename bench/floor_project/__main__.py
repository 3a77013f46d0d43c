"""The floor: ``FLOOR_RESOURCES`` dynamic resources whose provider does nothing.

Each resource has two inputs and the stack exports its id, as the msgsms program exports an
id (and more) per catalog entry. What the msgsms stack costs above this, through the same
engine, is what its program, providers and API calls add.
"""

import os

import pulumi
from nothing import Thing

count = int(os.environ["FLOOR_RESOURCES"])
things = {
    f"thing_{i:04d}": Thing(f"thing_{i:04d}", key=f"k{i}", content=f"c{i}") for i in range(count)
}
pulumi.export("things", {name: thing.id for name, thing in things.items()})
