/**
 * The 2D cross-section of a reduction cell (half cell: x from the centre line to the outer shell, y from the bottom
 * shell to the anode top), per metre of cell length. Builds the mesh, the material map and the region map the
 * coupled model uses for sources and post-processing. Layer interfaces fall on cell faces.
 *
 *   y ↑  cover | anode (stubs, rods)              | cover        | side
 *        bath  | anode                            | bath/ledge   | lining
 *        bath  | bath (ACD: Joule heating)        | bath/ledge   | (SiC, paste,
 *        metal | metal pad                        | bath/ledge   |  board, shell)
 *        cathode carbon / refractory / insulation / steel shell
 *        x = 0 (centre line, symmetry)                                       → x (shell, convective)
 */
import { PhysicsError } from '../errors.js';
import { grid2D, layeredGrid, type Grid2D } from '../mesh/grid.js';
import {
  BATH_CP_LIQUID_J_PER_KG_K,
  BATH_CP_SOLID_J_PER_KG_K,
  BATH_LATENT_HEAT_J_PER_KG,
  type Material,
} from '../heat/materials.js';
import { BATH_DENSITY_KG_M3, METAL_DENSITY_KG_M3 } from '../properties/density.js';
import type { CellDesign } from './design.js';

export const Region = {
  bathAcd: 0,
  bathChannel: 1,
  sideBath: 2,
  metal: 3,
  anode: 4,
  cover: 5,
  cathode: 6,
  refractory: 7,
  insulation: 8,
  bottomShell: 9,
  lining: 10,
} as const;
export type RegionCode = (typeof Region)[keyof typeof Region];
export const REGION_NAMES = Object.keys(Region) as (keyof typeof Region)[];

/** bath: the side-channel bath that can freeze into the ledge; pool: the bulk liquid bath (ACD, centre channel). */
export const Mat = {
  bath: 0,
  metal: 1,
  anode: 2,
  cover: 3,
  cathode: 4,
  refractory: 5,
  insulation: 6,
  steel: 7,
  pool: 8,
} as const;
/** Lining materials follow: index 9 + j for side lining layer j. */
export const LINING_MATERIAL_OFFSET = 9;

export interface CrossSection {
  grid: Grid2D;
  materials: Material[];
  materialIndex: Uint8Array;
  region: Uint8Array;
  /** y of the metal top, ACD top (anode bottom), bath top and anode top, m. */
  levels: { metalTopM: number; anodeBottomM: number; bathTopM: number; anodeTopM: number };
  /** x of the anode inner/outer edge, cavity edge (inner face of the lining), m. */
  xs: { anodeInnerM: number; anodeOuterM: number; cavityM: number; shellM: number };
  /** Rows (j) of the wetted side (metal, ACD and immersed bath rows) and columns (i) of the side channel. */
  sideRows: number[];
  sideCols: number[];
}

/** Builds the cross-section for an ACD (cm) and a bath liquidus (°C, the melting point of the ledge). */
export function buildCrossSection(design: CellDesign, acdCm: number, liquidusC: number): CrossSection {
  const cs = design.crossSection;
  const th = design.thermal;
  const acdM = acdCm / 100;
  if (!(acdM > 0) || acdM >= cs.bathDepthM) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'acdCm',
      `ACD ${acdCm} cm must be > 0 and below the bath depth ${cs.bathDepthM * 100} cm`,
      acdCm,
    );
  }
  if (!Number.isInteger(cs.nx) || !Number.isInteger(cs.ny) || cs.nx < 20 || cs.ny < 15) {
    throw new PhysicsError(
      'ERR-PHYS-GRID',
      'crossSection.nx',
      `the cell cross-section needs at least 20 × 15 cells, got ${cs.nx} × ${cs.ny}`,
    );
  }
  // distribute cells over the layers in proportion to a per-layer weight, at least one (two for thin key layers)
  const split = (total: number, weights: number[], mins: number[]): number[] => {
    const sw = weights.reduce((a, b) => a + b, 0);
    const out = weights.map((w, k) => Math.max(mins[k]!, Math.round((w / sw) * total)));
    let diff = total - out.reduce((a, b) => a + b, 0);
    // adjust the largest layers until the total matches
    while (diff !== 0) {
      let k = 0;
      for (let m = 1; m < out.length; m++) if (out[m]! > out[k]!) k = m;
      if (diff > 0) {
        out[k]! += 1;
        diff -= 1;
      } else if (out[k]! > mins[k]!) {
        out[k]! -= 1;
        diff += 1;
      } else break;
    }
    return out;
  };
  const lining = cs.sideLining;
  const xThick = [cs.centreChannelHalfM, cs.anodeWidthM, cs.sideChannelM, ...lining.map((l) => l.thicknessM)];
  const xW = [0.04, 0.45, 0.3, ...lining.map(() => 0.05)];
  const xN = split(cs.nx, xW, [2, 4, 6, ...lining.map(() => 2)]);
  const immersedM = cs.bathDepthM - acdM;
  const aboveBathM = cs.anodeHeightM - immersedM;
  if (!(aboveBathM > 0))
    throw new PhysicsError('ERR-PHYS-RANGE', 'crossSection.anodeHeightM', 'anodes must reach above the bath');
  const yThick = [
    cs.bottomShellM,
    cs.bottomInsulationM,
    cs.refractoryM,
    cs.cathodeBlockM,
    cs.metalPadM,
    acdM,
    immersedM,
    aboveBathM,
  ];
  const yW = [0.02, 0.1, 0.08, 0.2, 0.14, 0.07, 0.12, 0.2];
  const yN = split(cs.ny, yW, [1, 2, 2, 3, 3, 3, 3, 3]);
  if (xN.reduce((a, b) => a + b, 0) !== cs.nx || yN.reduce((a, b) => a + b, 0) !== cs.ny) {
    throw new PhysicsError(
      'ERR-PHYS-GRID',
      'crossSection.nx',
      `cannot distribute ${cs.nx} × ${cs.ny} cells over the layers`,
    );
  }
  const gx = layeredGrid(
    xThick.map((t, k) => ({ thicknessM: t, cells: xN[k]! })),
    0,
    'crossSection.x',
  );
  const gy = layeredGrid(
    yThick.map((t, k) => ({ thicknessM: t, cells: yN[k]! })),
    0,
    'crossSection.y',
  );
  const grid = grid2D(gx, gy);

  const materials: Material[] = [
    {
      name: 'bath',
      conductivityWPerMK: th.sideBathConductivityWPerMK,
      densityKgM3: BATH_DENSITY_KG_M3,
      specificHeatJPerKgK: BATH_CP_LIQUID_J_PER_KG_K,
      phaseChange: {
        meltingC: liquidusC,
        mushyRangeK: th.mushyRangeK,
        latentHeatJPerKg: BATH_LATENT_HEAT_J_PER_KG,
        solidConductivityWPerMK: th.ledgeConductivityWPerMK,
        liquidConductivityWPerMK: th.sideBathConductivityWPerMK,
        solidSpecificHeatJPerKgK: BATH_CP_SOLID_J_PER_KG_K,
        liquidSpecificHeatJPerKgK: BATH_CP_LIQUID_J_PER_KG_K,
      },
      interfaceHeatTransferWPerM2K: th.bathToLedgeWPerM2K,
    },
    // liquid aluminium c_p ≈ 1180 J/(kg·K) (typical handbook value)
    {
      name: 'metal',
      conductivityWPerMK: th.metalConductivityWPerMK,
      densityKgM3: METAL_DENSITY_KG_M3,
      specificHeatJPerKgK: 1180,
      alwaysFluid: true,
      interfaceHeatTransferWPerM2K: th.metalToLedgeWPerM2K,
    },
    // typical densities and heat capacities of carbon, crust and linings (engineering values)
    { name: 'anode', conductivityWPerMK: th.anodeConductivityWPerMK, densityKgM3: 1550, specificHeatJPerKgK: 1400 },
    { name: 'cover', conductivityWPerMK: th.coverConductivityWPerMK, densityKgM3: 1800, specificHeatJPerKgK: 1000 },
    { name: 'cathode', conductivityWPerMK: th.cathodeConductivityWPerMK, densityKgM3: 1600, specificHeatJPerKgK: 1500 },
    {
      name: 'refractory',
      conductivityWPerMK: th.refractoryConductivityWPerMK,
      densityKgM3: 2000,
      specificHeatJPerKgK: 1000,
    },
    {
      name: 'insulation',
      conductivityWPerMK: th.insulationConductivityWPerMK,
      densityKgM3: 500,
      specificHeatJPerKgK: 1000,
    },
    { name: 'steel', conductivityWPerMK: 45, densityKgM3: 7850, specificHeatJPerKgK: 500 },
    // the bulk bath stays liquid (a bath below its liquidus is a flagged state — negative superheat — and the
    // freezing it causes is taken by the side ledge, not by the bubble-stirred bulk)
    {
      name: 'bath pool',
      conductivityWPerMK: th.liquidBathConductivityWPerMK,
      densityKgM3: BATH_DENSITY_KG_M3,
      specificHeatJPerKgK: BATH_CP_LIQUID_J_PER_KG_K,
      alwaysFluid: true,
      interfaceHeatTransferWPerM2K: th.bathToLedgeWPerM2K,
    },
    ...lining.map((l, j): Material => ({
      name: l.name ?? `lining ${j}`,
      conductivityWPerMK: l.conductivityWPerMK,
      densityKgM3: 2000,
      specificHeatJPerKgK: 1000,
    })),
  ];

  const xFace = (layer: number) => xThick.slice(0, layer).reduce((a, b) => a + b, 0);
  const yFace = (layer: number) => yThick.slice(0, layer).reduce((a, b) => a + b, 0);
  const anodeInner = xFace(1);
  const anodeOuter = xFace(2);
  const cavity = xFace(3);
  const metalTop = yFace(5);
  const anodeBottom = yFace(6);
  const bathTop = yFace(7);
  const anodeTop = yFace(8);
  const yShell = yFace(1);
  const yIns = yFace(2);
  const yRef = yFace(3);
  const liningEdges = lining.map((_, j) => xFace(4 + j));

  const n = grid.size;
  const materialIndex = new Uint8Array(n);
  const region = new Uint8Array(n);
  for (let j = 0; j < grid.ny; j++) {
    const y = gy.centers[j]!;
    for (let i = 0; i < grid.nx; i++) {
      const x = gx.centers[i]!;
      const k = j * grid.nx + i;
      let m: number;
      let r: number;
      if (y < yShell) {
        m = Mat.steel;
        r = Region.bottomShell;
      } else if (x > cavity) {
        let layer = liningEdges.findIndex((e) => x < e);
        if (layer < 0) layer = lining.length - 1;
        m = LINING_MATERIAL_OFFSET + layer;
        r = Region.lining;
      } else if (y < yIns) {
        m = Mat.insulation;
        r = Region.insulation;
      } else if (y < yRef) {
        m = Mat.refractory;
        r = Region.refractory;
      } else if (y < metalTop - cs.metalPadM) {
        m = Mat.cathode;
        r = Region.cathode;
      } else if (x > anodeOuter) {
        if (y < bathTop) {
          m = Mat.bath;
          r = Region.sideBath;
        } else {
          m = Mat.cover;
          r = Region.cover;
        }
      } else if (y < metalTop) {
        m = Mat.metal;
        r = Region.metal;
      } else if (y < anodeBottom) {
        m = Mat.pool;
        r = x > anodeInner ? Region.bathAcd : Region.bathChannel;
      } else if (x < anodeInner) {
        m = y < bathTop ? Mat.pool : Mat.cover;
        r = y < bathTop ? Region.bathChannel : Region.cover;
      } else {
        m = Mat.anode;
        r = Region.anode;
      }
      materialIndex[k] = m;
      region[k] = r;
    }
  }
  const sideRows: number[] = [];
  for (let j = 0; j < grid.ny; j++) {
    const y = gy.centers[j]!;
    if (y > metalTop - cs.metalPadM && y < bathTop) sideRows.push(j);
  }
  const sideCols: number[] = [];
  for (let i = 0; i < grid.nx; i++) {
    const x = gx.centers[i]!;
    if (x > anodeOuter && x < cavity) sideCols.push(i);
  }
  return {
    grid,
    materials,
    materialIndex,
    region,
    levels: { metalTopM: metalTop, anodeBottomM: anodeBottom, bathTopM: bathTop, anodeTopM: anodeTop },
    xs: { anodeInnerM: anodeInner, anodeOuterM: anodeOuter, cavityM: cavity, shellM: xFace(3 + lining.length) },
    sideRows,
    sideCols,
  };
}
